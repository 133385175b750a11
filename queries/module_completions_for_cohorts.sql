-- module_completions_for_cohorts: the modules each trainee of the given cohorts has completed.
-- params: $cohort_ids (list), $program_ids (list of program ids the reader may see)
with scoped as (
    select distinct
        e.person_id,
    from enrollments as e
    inner join cohorts as c on c.cohort_id = e.cohort_id
    where
        list_contains($cohort_ids, e.cohort_id)
        and list_contains($program_ids, c.program_id)
)

select
    m.person_id,
    m.module_id,
    m.completed_on,
from module_completions as m
inner join scoped as s on s.person_id = m.person_id
order by m.person_id, m.completed_on, m.module_id
