-- rating_patterns_delete_for_program_quarter: drop the materialized rating patterns of one program
-- and quarter (before recomputing them, when an interview in them changed).
-- params: $program_id, $quarter
delete from rating_patterns
where program_id = $program_id and quarter = $quarter
