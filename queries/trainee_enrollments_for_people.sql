-- trainee_enrollments_for_people: the cohorts these people are enrolled in (a trainee's own
-- enrollments: the programs whose reviews they may self-assess), newest first.
-- params: $person_ids (list)
select
    e.person_id,
    p.full_name,
    e.cohort_id,
    c.cohort_name,
    c.program_id,
    c.starts_on,
    e.status,
from enrollments as e
inner join cohorts as c on c.cohort_id = e.cohort_id
left join people as p on p.person_id = e.person_id
where list_contains($person_ids, e.person_id)
order by c.starts_on desc, c.cohort_id
