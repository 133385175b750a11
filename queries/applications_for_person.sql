-- applications_for_person: the stage history of one person: every application they made to the
-- given programs, newest first.
-- params: $person_id, $program_ids (list of program ids the reader may see)
select
    a.application_id,
    a.program_id,
    pr.program_name,
    a.position,
    a.applied_on,
    a.stage,
    a.status,
    a.status_on,
from applications as a
left join programs as pr on pr.program_id = a.program_id
where a.person_id = $person_id and list_contains($program_ids, a.program_id)
order by a.applied_on desc, a.application_id
