-- screening_ranked_by_application: the Screening page's ranked table, one row per application in
-- the given programs: applicant, program, position, stage, status, applied date, the score used
-- per theme (latest hiring interview that scored it, from interview_theme_scores; null when never
-- probed), the number of themes at $high_score or above, the mean of the themes scored, the themes
-- where raters differed by 2+ ("(pending)" while no consensus), the themes never probed, evidence
-- counts, interviews and the decision in force. Ranked: themes at $high_score or above, then mean
-- score (descending, missing last), then earliest application, then application id. Each
-- application's row comes ready from the materialized application_scores (schema.sql): this query
-- adds the decision, the ranking and the rounding, and reads no rating, excerpt or interview.
-- params: $program_ids (list of program ids the reader may see), $high_score (number)
with decisions as (
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
        w.application_id,
        w.person_id,
        w.full_name,
        w.program_id,
        w.position,
        w.applied_on,
        w.stage,
        w.status,
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
        w.supporting,
        w.counter,
        w.interviews,
    from application_scores as w
    where list_contains($program_ids, w.program_id)
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
    s.supporting,
    s.counter,
    s.interviews,
    d.decision,
    d.decided_at,
    s.person_id,
    s.full_name,
from scored as s
left join decisions as d on d.application_id = s.application_id
order by
    themes_at_3 desc,
    mean_score desc nulls last,
    s.applied_on asc nulls last,
    s.application_id asc
