-- validation_outcomes: one row per hire and outcome measure for the validation study's criteria.
-- 'retained_12m': 1 when the hire stayed 12 months, 0 when they left sooner, only for hires whose
-- 12 months had elapsed by $as_of (as hire_outcomes_by_measure); every measure in outcomes: the mean
-- of the values recorded from the hire date up to $as_of. Person ids stay inside the data functions.
-- params: $program_ids (list of program ids), $as_of (date)
with hires as (
    select
        person_id,
        program_id,
        hired_on,
        left_on,
    from staff
    where list_contains($program_ids, program_id) and hired_on <= $as_of
),

retention as (
    select
        person_id,
        program_id,
        hired_on,
        'retained_12m' as measure,
        case when left_on is null or left_on >= hired_on + interval 12 month then 1.0 else 0.0 end as value,
    from hires
    where hired_on + interval 12 month <= $as_of
),

measured as (
    select
        h.person_id,
        h.program_id,
        h.hired_on,
        o.measure,
        avg(o.value) as value,
    from hires as h
    inner join outcomes as o
        on o.person_id = h.person_id and o.measured_on >= h.hired_on and o.measured_on <= $as_of
    group by h.person_id, h.program_id, h.hired_on, o.measure
)

select * from retention
union all
select * from measured
order by measure, program_id, hired_on, person_id
