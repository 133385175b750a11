-- application_scores_insert_for_application: recompute the materialized row of one application
-- from the live view (after its interview changed). The id is a constant, so DuckDB filters every
-- part of the view by it before aggregating (a filter by the interview's application through a
-- subquery worked out the whole view: 0.4 s at scale 1,000 against 7 ms).
-- params: $application_id
insert into application_scores
select * from application_scores_live
where application_id = $application_id
