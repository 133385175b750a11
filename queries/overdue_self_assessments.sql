-- overdue_self_assessments: reviews scheduled in Vocation, dated between $since and $due_before,
-- whose reviewed person is enrolled in the review's program, has an email of their own (not shared)
-- and has not submitted a self-assessment of it, and that no self-assessment reminder was ever
-- queued for (one reminder per review, ever).
-- params: $due_before (date: today minus the days to submit), $since (date: the oldest review reminded)
select
    i.interview_id,
    i.interview_date,
    i.purpose,
    i.person_id,
    p.full_name,
    trim(p.email) as email,
    pr.program_name,
from interviews as i
inner join app_interviews as a on a.interview_id = i.interview_id
inner join people as p on p.person_id = i.person_id
inner join programs as pr on pr.program_id = i.program_id
where
    i.purpose in ('intake', 'midpoint', 'exit', 'annual')
    and i.interview_date <= $due_before
    and i.interview_date >= $since
    and nullif(trim(p.email), '') is not null
    and exists (
        select 1
        from enrollments as e
        inner join cohorts as c on c.cohort_id = e.cohort_id
        where e.person_id = i.person_id and c.program_id = i.program_id
    )
    and (
        select count(*)
        from people as o
        where o.email is not null and lower(trim(o.email)) = lower(trim(p.email))
    ) = 1
    and not exists (
        select 1
        from app_self_assessments as s
        where s.interview_id = i.interview_id and s.person_id = i.person_id and s.version >= 1
    )
    and not exists (
        select 1
        from app_outbox as o
        where o.kind = 'self_assessment_reminder' and o.interview_id = i.interview_id
    )
order by i.interview_date, i.interview_id
