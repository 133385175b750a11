-- rating_patterns_delete_for_interview: drop the materialized rating patterns of the program and
-- quarter an interview falls in (before recomputing them).
-- params: $interview_id
delete from rating_patterns as p
using interviews as i
where
    i.interview_id = $interview_id
    and p.program_id = i.program_id
    and p.quarter = strftime(i.interview_date, '%Y') || '-Q' || cast(quarter(i.interview_date) as varchar)
