-- hire_profiles_insert_for_person: recompute the hire profiles of one person from the live view
-- (after an interview of theirs changed); a constant id, filtered before aggregating (see
-- application_scores_insert_for_application).
-- params: $person_id
insert into hire_profiles
select * from hire_profiles_live
where person_id = $person_id
