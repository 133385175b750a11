-- enrollments_for_person: the cohorts (of the reader's programs) one person is
-- enrolled in, newest first; empty when the person is no trainee the reader may see.
-- params: $person_id, $program_ids (list of program ids the reader may see)
select
    e.person_id,
    p.full_name,
    e.cohort_id,
    c.cohort_name,
    c.program_id,
    c.starts_on,
    e.status,
    e.enrolled_on,
    e.left_on,
from enrollments as e
inner join cohorts as c on c.cohort_id = e.cohort_id
left join people as p on p.person_id = e.person_id
where
    e.person_id = $person_id
    and list_contains($program_ids, c.program_id)
order by c.starts_on desc, c.cohort_id
