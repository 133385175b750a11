-- screening_ranked_by_application: the Screening page's ranked table, one row per application in
-- the given programs: applicant, program, position, stage, status, applied date, the score used
-- per theme (latest hiring interview that scored it, from interview_theme_scores; null when never
-- probed), the number of themes at $high_score or above, the mean of the themes scored, the themes
-- where raters differed by 2+ ("(pending)" while no consensus), the themes never probed, evidence
-- counts, interviews and the decision in force. Ranked: themes at $high_score or above, then mean
-- score (descending, missing last), then earliest application, then application id.
-- params: $program_ids (list of program ids the reader may see), $high_score (number)
with apps as (
    select
        a.application_id,
        a.person_id,
        p.full_name,
        a.program_id,
        a.position,
        a.applied_on,
        a.stage,
        a.status,
    from applications as a
    inner join people as p on p.person_id = a.person_id
    where list_contains($program_ids, a.program_id)
),

-- per application and theme, the row of its latest hiring interview (an aggregate: cheaper
-- than a window here)
latest as (
    select
        s.application_id,
        s.theme,
        arg_max(
            {'score': s.score, 'disagreement': s.disagreement, 'pending': s.pending},
            {'on': s.interview_date, 'id': s.interview_id}
        ) as used,
    from interview_theme_scores as s
    inner join apps as a on a.application_id = s.application_id
    where s.purpose = 'hiring'
    group by s.application_id, s.theme
),

flat as (
    select
        application_id,
        theme,
        used.score as score,
        used.disagreement as disagreement,
        used.pending as pending,
    from latest
),

wide as (
    select
        application_id,
        any_value(score) filter (where theme = 'balance') as balance,
        any_value(score) filter (where theme = 'adaptiveness') as adaptiveness,
        any_value(score) filter (where theme = 'transcendence') as transcendence,
        any_value(score) filter (where theme = 'learning') as learning,
        any_value(score) filter (where theme = 'fit') as fit,
        any_value(score) filter (where theme = 'beliefs') as beliefs,
        string_agg(
            case when pending then theme || ' (pending)' else theme end,
            ', '
            order by case theme
                when 'balance' then 0
                when 'adaptiveness' then 1
                when 'transcendence' then 2
                when 'learning' then 3
                when 'fit' then 4
                else 5
            end
        ) filter (where disagreement) as raters_differ,
    from flat
    group by application_id
),

hiring as (
    select
        i.application_id,
        count(*) as interviews,
    from interviews as i
    inner join apps as a on a.application_id = i.application_id
    where i.purpose = 'hiring'
    group by i.application_id
),

evidence as (
    select
        i.application_id,
        count(*) filter (where e.stance = 'supports') as supporting,
        count(*) filter (where e.stance = 'counter') as counter,
    from excerpts as e
    inner join interviews as i on i.interview_id = e.interview_id
    inner join apps as a on a.application_id = i.application_id
    where i.purpose = 'hiring'
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
),

scored as (
    select
        a.*,
        w.balance,
        w.adaptiveness,
        w.transcendence,
        w.learning,
        w.fit,
        w.beliefs,
        w.raters_differ,
        -- summed left to right and divided by the count, as the earlier polars mean did
        (
            coalesce(w.balance, 0) + coalesce(w.adaptiveness, 0) + coalesce(w.transcendence, 0)
            + coalesce(w.learning, 0) + coalesce(w.fit, 0) + coalesce(w.beliefs, 0)
        ) / nullif(
            (w.balance is not null)::int + (w.adaptiveness is not null)::int
            + (w.transcendence is not null)::int + (w.learning is not null)::int
            + (w.fit is not null)::int + (w.beliefs is not null)::int,
            0
        ) as mean_raw,
        coalesce((w.balance >= $high_score)::int, 0)
        + coalesce((w.adaptiveness >= $high_score)::int, 0)
        + coalesce((w.transcendence >= $high_score)::int, 0)
        + coalesce((w.learning >= $high_score)::int, 0)
        + coalesce((w.fit >= $high_score)::int, 0)
        + coalesce((w.beliefs >= $high_score)::int, 0) as themes_at_3,
    from apps as a
    left join wide as w on w.application_id = a.application_id
)

select
    s.application_id,
    s.full_name as candidate,
    s.program_id,
    s.position,
    s.stage,
    s.status,
    s.applied_on,
    round_even(s.balance, 2) as balance,
    round_even(s.adaptiveness, 2) as adaptiveness,
    round_even(s.transcendence, 2) as transcendence,
    round_even(s.learning, 2) as learning,
    round_even(s.fit, 2) as fit,
    round_even(s.beliefs, 2) as beliefs,
    s.themes_at_3::int as themes_at_3,
    round_even(s.mean_raw, 2) as mean_score,
    coalesce(s.raters_differ, '') as raters_differ,
    concat_ws(
        ', ',
        case when s.balance is null then 'balance' end,
        case when s.adaptiveness is null then 'adaptiveness' end,
        case when s.transcendence is null then 'transcendence' end,
        case when s.learning is null then 'learning' end,
        case when s.fit is null then 'fit' end,
        case when s.beliefs is null then 'beliefs' end,
    ) as never_probed,
    coalesce(e.supporting, 0) as supporting,
    coalesce(e.counter, 0) as counter,
    coalesce(h.interviews, 0) as interviews,
    d.decision,
    d.decided_at,
    s.person_id,
    s.full_name,
from scored as s
left join hiring as h on h.application_id = s.application_id
left join evidence as e on e.application_id = s.application_id
left join decisions as d on d.application_id = s.application_id
order by
    themes_at_3 desc,
    mean_score desc nulls last,
    s.applied_on asc nulls last,
    s.application_id asc
