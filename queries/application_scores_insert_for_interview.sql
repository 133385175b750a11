-- application_scores_insert_for_interview: recompute the materialized row of the application an
-- interview belongs to, from the live view.
-- params: $interview_id
insert into application_scores
select * from application_scores_live
where application_id in (select application_id from interviews where interview_id = $interview_id)
