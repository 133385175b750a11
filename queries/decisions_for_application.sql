-- decisions_for_application: every decision recorded on one application (in the given programs),
-- newest first; the first row is the decision in force.
-- params: $application_id, $program_ids (list of program ids the reader may see)
select
    d.decision,
    d.note,
    d.decided_by,
    d.decided_at,
from app_decisions as d
inner join applications as a on a.application_id = d.application_id
where d.application_id = $application_id and list_contains($program_ids, a.program_id)
order by d.decided_at desc, d.decision_id desc
