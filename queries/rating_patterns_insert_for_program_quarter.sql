-- rating_patterns_insert_for_program_quarter: recompute the materialized rating patterns of one
-- program and quarter from rating_units: the live view's rule (schema.sql, rating_patterns_live) on
-- those interviews only (tests check the result equals the view).
-- params: $program_id, $quarter
insert into rating_patterns
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
from rating_units
where program_id = $program_id and quarter = $quarter
group by program_id, theme, quarter, n_0, n_1, n_2, n_3, n_4
