-- application_for_id: one application with its applicant and program, only when the application
-- belongs to one of the given programs (no row otherwise).
-- params: $application_id, $program_ids (list of program ids the reader may see)
select
    a.application_id,
    a.person_id,
    p.full_name,
    a.program_id,
    pr.program_name,
    a.position,
    a.applied_on,
    a.stage,
    a.status,
    a.status_on,
from applications as a
inner join people as p on p.person_id = a.person_id
left join programs as pr on pr.program_id = a.program_id
where a.application_id = $application_id and list_contains($program_ids, a.program_id)
