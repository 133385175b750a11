-- rating_patterns_insert_for_program_quarter: recompute the materialized rating patterns of one
-- program and quarter: the live view (schema.sql, rating_patterns_live) filtered by constants,
-- which DuckDB applies before grouping (as fast as grouping rating_units directly; tests check the
-- result equals the view).
-- params: $program_id, $quarter
insert into rating_patterns
select * from rating_patterns_live
where program_id = $program_id and quarter = $quarter
