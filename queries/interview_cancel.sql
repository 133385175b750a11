-- interview_cancel: cancel an interview scheduled in Vocation: its row is kept in
-- app_interview_calendar (with who, when, why and the calendar SEQUENCE raised by one) and leaves
-- `interviews`, so no page counts it; its seats and key stay. Returns the new sequence.
-- params: $interview_id, $cancelled_by, $reason
insert into app_interview_calendar (interview_id, sequence)
values ($interview_id, 0)
on conflict (interview_id) do nothing;
update app_interview_calendar as c
set
    sequence = c.sequence + 1,
    cancelled_at = now(),
    cancelled_by = $cancelled_by,
    cancel_reason = $reason,
    person_id = i.person_id,
    program_id = i.program_id,
    application_id = i.application_id,
    interview_date = i.interview_date,
    purpose = i.purpose
from interviews as i
where c.interview_id = $interview_id and i.interview_id = $interview_id;
delete from interviews
where interview_id = $interview_id;
select sequence,
from app_interview_calendar
where interview_id = $interview_id
