-- time_to_fill_for_programs: over the applications marked hired with a status date in the range,
-- how many, and the days from application to hire (median, lower and upper quartile). One row of
-- aggregates; no person-level column. Small counts are suppressed before anyone sees them.
-- params: $program_ids (list of program ids), $date_from, $date_to (hire dates, inclusive).
with hired as (
    select
        date_diff('day', a.applied_on, a.status_on) as days,
    from applications as a
    where
        list_contains($program_ids, a.program_id)
        and a.status = 'hired'
        and a.status_on between $date_from and $date_to
)

select
    count(*) as hires,
    median(days) as median_days,
    quantile_cont(days, 0.25) as lower_quartile_days,
    quantile_cont(days, 0.75) as upper_quartile_days,
from hired
