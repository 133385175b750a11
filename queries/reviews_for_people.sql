-- reviews_for_people: one row per review (intake, midpoint, exit, annual interview, imported or
-- scheduled in Vocation) of these people in the given programs: whether its panel has all
-- submitted (rated, and no active seat still without a submitted card) and the state of the
-- person's self-assessment of it (latest version: null none, 0 draft, 1+ submitted).
-- params: $person_ids (list), $program_ids (list of program ids the reader may see)
with rated as (
    select
        interview_id,
        count(*) as n_ratings,
    from ratings
    group by interview_id
),

owed as (
    select
        s.interview_id,
        count(*) as n_owed,
    from app_panel_seats as s
    left join app_scorecards as c
        on c.interview_id = s.interview_id and c.rater_id = s.rater_id and c.version >= 1
    where s.status <> 'recused' and c.scorecard_id is null
    group by s.interview_id
),

selfs as (
    select
        interview_id,
        person_id,
        max(version) as self_version,
        min(saved_at) filter (where version = 1) as self_submitted_at,
    from app_self_assessments
    group by interview_id, person_id
)

select
    i.interview_id,
    i.person_id,
    i.program_id,
    p.program_name,
    i.interview_date,
    i.purpose,
    coalesce(r.n_ratings, 0) > 0 and coalesce(o.n_owed, 0) = 0 as panel_complete,
    s.self_version,
    s.self_submitted_at,
from interviews as i
inner join programs as p on p.program_id = i.program_id
left join rated as r on r.interview_id = i.interview_id
left join owed as o on o.interview_id = i.interview_id
left join selfs as s on s.interview_id = i.interview_id and s.person_id = i.person_id
where
    list_contains($person_ids, i.person_id)
    and list_contains($program_ids, i.program_id)
    and i.purpose in ('intake', 'midpoint', 'exit', 'annual')
order by i.person_id, i.interview_date, i.interview_id
