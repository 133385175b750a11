-- application_scores_delete_for_interview: drop the materialized row of the application an
-- interview belongs to (before recomputing it; none unless the interview is for hiring).
-- params: $interview_id
delete from application_scores
where application_id in (select application_id from interviews where interview_id = $interview_id)
