-- program_for_interview: the program of one interview, if it is in the given programs (else no row).
-- params: $interview_id, $program_ids (list of program ids the reader may see)
select
    interview_id,
    program_id,
from interviews
where interview_id = $interview_id and list_contains($program_ids, program_id)
