-- application_scores_refresh_all: rebuild the materialized per-application scores from the live view
-- (after interview_theme_scores; db.refresh_derived runs the four refreshes in order).
-- params: none
delete from application_scores;
insert into application_scores
select * from application_scores_live
order by application_id;
