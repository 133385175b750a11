-- app_interview_insert: schedule an interview in Vocation: its contract row and its app-owned key.
-- params: $interview_id, $person_id, $program_id, $application_id, $interview_date, $purpose, $scheduled_by
insert into interviews (interview_id, person_id, program_id, application_id, interview_date, purpose)
values ($interview_id, $person_id, $program_id, $application_id, $interview_date, $purpose);
insert into app_interviews (interview_id, scheduled_by, scheduled_at)
values ($interview_id, $scheduled_by, now());
