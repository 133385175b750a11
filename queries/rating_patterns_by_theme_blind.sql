-- rating_patterns_by_theme_blind: rating_patterns_by_theme worked out live, leaving out the people
-- the reader is blinded to (the blind rule; the materialized rating_patterns cannot): per theme and
-- quarter, each pattern of independent scores an interview received with the number of interviews
-- showing it. Reads each rater's independent rating (a Vocation scorecard's first submission).
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with allowed as (
    select
        interview_id,
        interview_date,
    from interviews
    where list_contains($program_ids, program_id) and not list_contains($hidden_person_ids, person_id)
),

units as (
    select
        r.theme,
        strftime(a.interview_date, '%Y') || '-Q' || cast(quarter(a.interview_date) as varchar) as quarter,
        count(*) filter (where r.score = 0) as n_0,
        count(*) filter (where r.score = 1) as n_1,
        count(*) filter (where r.score = 2) as n_2,
        count(*) filter (where r.score = 3) as n_3,
        count(*) filter (where r.score = 4) as n_4,
    from ratings_independent as r
    inner join allowed as a on a.interview_id = r.interview_id
    group by r.theme, r.interview_id, a.interview_date
)

select
    theme,
    quarter,
    n_0,
    n_1,
    n_2,
    n_3,
    n_4,
    count(*) as n_units,
from units
group by theme, quarter, n_0, n_1, n_2, n_3, n_4
order by theme, quarter, n_0, n_1, n_2, n_3, n_4
