-- open_applications_for_program: the open applications of one program, by id (the sample data's
-- demo panels are scheduled for the first of them).
-- params: $program_id
select
    application_id,
    person_id,
from applications
where program_id = $program_id and status = 'open'
order by application_id
