-- scheduled_interviews_for_person: the interviews scheduled in Vocation for one person in the
-- given programs (optionally one application's only), newest first.
-- params: $person_id, $program_ids (list), $application_id (null: any)
select
    i.interview_id,
    i.interview_date,
    i.purpose,
    i.program_id,
    i.application_id,
    a.scheduled_by,
    a.scheduled_at,
from app_interviews as a
inner join interviews as i on i.interview_id = a.interview_id
where
    i.person_id = $person_id
    and list_contains($program_ids, i.program_id)
    and ($application_id is null or i.application_id = $application_id)
order by i.interview_date desc, i.interview_id desc
