-- hire_profiles_insert_for_interview: recompute the hire profiles of the person an interview is
-- of, from the live view.
-- params: $interview_id
insert into hire_profiles
select * from hire_profiles_live
where person_id in (select person_id from interviews where interview_id = $interview_id)
