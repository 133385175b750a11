-- validation_hires: one row per hire (staff row) into the given programs, hired on or before $as_of,
-- for the validation study: tenure in days from hired_on to left_on (left = 1, an event) or, for
-- hires still employed on $as_of, to $as_of (left = 0, censored); and the hire's profile, the six
-- theme scores of hire_profiles (their latest hiring interview before the hire date; null when the
-- hire has no scored hiring interview, profiled = false). Person ids stay inside the data
-- functions (differential prediction joins each hire's group); no page receives them.
-- params: $program_ids (list of program ids), $as_of (date)
with hires as (
    select
        person_id,
        program_id,
        hired_on,
        coalesce(left_on <= $as_of, false) as has_left,
        left_on,
    from staff
    where list_contains($program_ids, program_id) and hired_on <= $as_of
)

select
    h.person_id,
    h.program_id,
    h.hired_on,
    case when h.has_left then 1 else 0 end as left_job,
    date_diff('day', h.hired_on, case when h.has_left then h.left_on else $as_of end) as tenure_days,
    p.person_id is not null as profiled,
    p.balance,
    p.adaptiveness,
    p.transcendence,
    p.learning,
    p.fit,
    p.beliefs,
from hires as h
left join hire_profiles as p
    on p.person_id = h.person_id and p.program_id = h.program_id and p.hired_on = h.hired_on
order by h.program_id, h.hired_on, h.person_id
