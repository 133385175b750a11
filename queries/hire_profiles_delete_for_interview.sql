-- hire_profiles_delete_for_interview: drop the materialized hire profiles of the person an
-- interview is of (before recomputing them).
-- params: $interview_id
delete from hire_profiles
where person_id in (select person_id from interviews where interview_id = $interview_id)
