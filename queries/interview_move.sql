-- interview_move: give an interview scheduled in Vocation a new date and raise its calendar
-- SEQUENCE by one; returns the new sequence.
-- params: $interview_id, $interview_date
update interviews
set interview_date = $interview_date
where interview_id = $interview_id;
insert into app_interview_calendar (interview_id, sequence)
values ($interview_id, 1)
on conflict (interview_id) do update set sequence = app_interview_calendar.sequence + 1;
select sequence,
from app_interview_calendar
where interview_id = $interview_id
