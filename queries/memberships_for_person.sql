-- memberships_for_person: whether a person is a trainee (enrolled in a cohort) or staff member of a
-- program: the rows found (empty: neither).
-- params: $person_id, $program_id
select 'trainee' as kind
from enrollments as e
inner join cohorts as c on c.cohort_id = e.cohort_id
where e.person_id = $person_id and c.program_id = $program_id
union all
select 'staff' as kind
from staff
where person_id = $person_id and program_id = $program_id
