-- trainees_for_cohorts: the trainees enrolled in the given cohorts (of the reader's programs),
-- with enrollment status and how many modules each has completed.
-- params: $cohort_ids (list), $program_ids (list of program ids the reader may see)
with scoped as (
    select
        e.cohort_id,
        e.person_id,
        e.enrolled_on,
        e.status,
        e.left_on,
    from enrollments as e
    inner join cohorts as c on c.cohort_id = e.cohort_id
    where
        list_contains($cohort_ids, e.cohort_id)
        and list_contains($program_ids, c.program_id)
),

completed as (
    select
        person_id,
        count(*) as modules_completed,
    from module_completions
    group by person_id
)

select
    s.cohort_id,
    s.person_id,
    p.full_name,
    s.status,
    s.enrolled_on,
    s.left_on,
    coalesce(m.modules_completed, 0) as modules_completed,
from scoped as s
left join people as p on p.person_id = s.person_id
left join completed as m on m.person_id = s.person_id
order by p.full_name, s.person_id
