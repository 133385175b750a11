-- interview_calendar_for_id: an interview's calendar SEQUENCE and, when it was cancelled, its row
-- as it was and who cancelled it, when and why; no row before its first move or cancellation.
-- params: $interview_id
select
    c.interview_id,
    c.sequence,
    c.cancelled_at,
    c.cancelled_by,
    c.cancel_reason,
    c.person_id,
    c.program_id,
    pr.program_name,
    c.application_id,
    c.interview_date,
    c.purpose,
from app_interview_calendar as c
left join programs as pr on pr.program_id = c.program_id
where c.interview_id = $interview_id
