-- excerpts_for_application: every excerpt coded in the hiring interviews of one application (in
-- the given programs), with its theme, sub-theme, stance, rater and interview date.
-- params: $application_id, $program_ids (list of program ids the reader may see)
select
    e.excerpt_id,
    e.theme,
    e.subtheme,
    e.stance,
    e.text,
    coalesce(ra.full_name, e.rater_id) as rater_name,
    i.interview_id,
    i.interview_date,
from excerpts as e
inner join interviews as i on i.interview_id = e.interview_id
inner join applications as a on a.application_id = i.application_id
left join raters as ra on ra.rater_id = e.rater_id
where
    i.application_id = $application_id
    and i.purpose = 'hiring'
    and list_contains($program_ids, a.program_id)
order by e.theme, e.subtheme nulls last, e.stance desc, i.interview_date, e.excerpt_id
