-- screening_by_application: one row per application in the given programs, with the applicant,
-- program, position, stage, the number of hiring interviews, the count of supporting and
-- counter excerpts coded in them, and the decision in force (the latest one recorded).
-- params: $program_ids (list of program ids the reader may see)
with apps as (
    select
        a.application_id,
        a.person_id,
        p.full_name,
        a.program_id,
        pr.program_name,
        a.position,
        a.applied_on,
        a.stage,
        a.status,
    from applications as a
    inner join people as p on p.person_id = a.person_id
    left join programs as pr on pr.program_id = a.program_id
    where list_contains($program_ids, a.program_id)
),

hiring as (
    select
        application_id,
        count(*) as interviews,
        max(interview_date) as last_interview_on,
    from interviews
    where purpose = 'hiring' and application_id is not null
    group by application_id
),

evidence as (
    select
        i.application_id,
        count(*) filter (where e.stance = 'supports') as supporting,
        count(*) filter (where e.stance = 'counter') as counter,
    from excerpts as e
    inner join interviews as i on i.interview_id = e.interview_id
    where i.purpose = 'hiring' and i.application_id is not null
    group by i.application_id
),

decisions as (
    select
        application_id,
        decision,
        decided_at,
    from app_decisions
    qualify row_number() over (
        partition by application_id
        order by decided_at desc, decision_id desc
    ) = 1
)

select
    a.application_id,
    a.person_id,
    a.full_name,
    a.program_id,
    a.program_name,
    a.position,
    a.applied_on,
    a.stage,
    a.status,
    coalesce(h.interviews, 0) as interviews,
    h.last_interview_on,
    coalesce(e.supporting, 0) as supporting,
    coalesce(e.counter, 0) as counter,
    d.decision,
    d.decided_at,
from apps as a
left join hiring as h on h.application_id = a.application_id
left join evidence as e on e.application_id = a.application_id
left join decisions as d on d.application_id = a.application_id
order by a.application_id
