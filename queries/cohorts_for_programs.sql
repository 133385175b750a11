-- cohorts_for_programs: the cohorts of the given programs with how many trainees each has
-- by enrollment status, newest first.
-- params: $program_ids (list of program ids the reader may see)
with counts as (
    select
        cohort_id,
        count(*) as n_trainees,
        count(*) filter (where status = 'active') as n_active,
        count(*) filter (where status = 'completed') as n_completed,
        count(*) filter (where status = 'withdrawn') as n_withdrawn,
    from enrollments
    group by cohort_id
)

select
    c.cohort_id,
    c.program_id,
    p.program_name,
    c.cohort_name,
    c.kind,
    c.starts_on,
    c.ends_on,
    coalesce(n.n_trainees, 0) as n_trainees,
    coalesce(n.n_active, 0) as n_active,
    coalesce(n.n_completed, 0) as n_completed,
    coalesce(n.n_withdrawn, 0) as n_withdrawn,
from cohorts as c
left join programs as p on p.program_id = c.program_id
left join counts as n on n.cohort_id = c.cohort_id
where list_contains($program_ids, c.program_id)
order by c.starts_on desc, c.cohort_id
