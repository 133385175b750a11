-- hire_outcomes_by_measure: one row per hire and outcome measure: an anonymous hire number, the
-- hire's six theme scores at their latest hiring interview before the hire date, how many themes
-- scored 3 or more, and the outcome value. Measures: 'retained_12m' (1 stayed 12 months, 0 left
-- sooner; only hires whose 12 months had elapsed by $as_of) and every measure in outcomes
-- (the mean of the values recorded from the hire date on). No person id leaves this query. The
-- profiles come from the materialized hire_profiles (schema.sql).
-- params: $program_ids (list of program ids: hires into these programs), $as_of (date).
with hires as (
    select
        row_number() over (order by person_id, program_id, hired_on) as hire_no,
        person_id,
        program_id,
        hired_on,
        left_on,
    from staff
    where list_contains($program_ids, program_id)
),

wide as (
    select
        h.hire_no,
        p.themes_shown,
        p.balance,
        p.adaptiveness,
        p.transcendence,
        p.learning,
        p.fit,
        p.beliefs,
    from hires as h
    inner join hire_profiles as p
        on p.person_id = h.person_id and p.program_id = h.program_id and p.hired_on = h.hired_on
),

retention as (
    select
        hire_no,
        'retained_12m' as measure,
        case when left_on is null or left_on >= hired_on + interval 12 month then 1.0 else 0.0 end as value,
    from hires
    where hired_on + interval 12 month <= $as_of
),

measured as (
    select
        h.hire_no,
        o.measure,
        avg(o.value) as value,
    from hires as h
    inner join outcomes as o on o.person_id = h.person_id and o.measured_on >= h.hired_on
    group by h.hire_no, o.measure
),

values_long as (
    select * from retention
    union all
    select * from measured
)

select
    w.themes_shown,
    w.balance,
    w.adaptiveness,
    w.transcendence,
    w.learning,
    w.fit,
    w.beliefs,
    v.measure,
    v.value,
from values_long as v
inner join wide as w on w.hire_no = v.hire_no
order by v.measure, w.themes_shown
