-- hire_profiles_refresh_all: rebuild the materialized hire profiles from the live view (after
-- interview_theme_scores, which it reads).
-- params: none
delete from hire_profiles;
insert into hire_profiles
select * from hire_profiles_live
order by program_id, person_id, hired_on;
