-- derived_refresh_all: rebuild the materialized per-application scores, rating patterns and hire
-- profiles from their live views (after interview_theme_scores; db.refresh_derived runs both, in order).
-- params: none
delete from application_scores;
insert into application_scores
select * from application_scores_live
order by application_id;
delete from rating_patterns;
insert into rating_patterns
select * from rating_patterns_live
order by program_id, theme, quarter;
delete from hire_profiles;
insert into hire_profiles
select * from hire_profiles_live
order by program_id, person_id, hired_on;
