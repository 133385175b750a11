-- rating_patterns_insert_for_interview: recompute the rating patterns of the program and quarter an
-- interview falls in: the live view's rule (schema.sql, rating_patterns_live) on those interviews
-- only (tests check the result equals the view).
-- params: $interview_id
insert into rating_patterns
with target as (
    select
        program_id,
        strftime(interview_date, '%Y') || '-Q' || cast(quarter(interview_date) as varchar) as quarter,
    from interviews
    where interview_id = $interview_id
),

units as (
    select
        i.program_id,
        r.theme,
        t.quarter,
        count(*) filter (where r.score = 0) as n_0,
        count(*) filter (where r.score = 1) as n_1,
        count(*) filter (where r.score = 2) as n_2,
        count(*) filter (where r.score = 3) as n_3,
        count(*) filter (where r.score = 4) as n_4,
    from interviews as i
    inner join target as t
        on
            t.program_id = i.program_id
            and t.quarter = strftime(i.interview_date, '%Y') || '-Q' || cast(quarter(i.interview_date) as varchar)
    inner join ratings_independent as r on r.interview_id = i.interview_id
    group by i.program_id, r.theme, t.quarter, r.interview_id
)

select
    program_id,
    theme,
    quarter,
    n_0,
    n_1,
    n_2,
    n_3,
    n_4,
    count(*) as n_units,
from units
group by program_id, theme, quarter, n_0, n_1, n_2, n_3, n_4
