-- ratings_by_application: every independent rating from the hiring interviews of one application
-- (in the given programs): interview, date, rater, theme and score.
-- params: $application_id, $program_ids (list of program ids the reader may see)
select
    i.interview_id,
    i.interview_date,
    r.rater_id,
    coalesce(ra.full_name, r.rater_id) as rater_name,
    r.theme,
    r.score,
from ratings as r
inner join interviews as i on i.interview_id = r.interview_id
inner join applications as a on a.application_id = i.application_id
left join raters as ra on ra.rater_id = r.rater_id
where
    i.application_id = $application_id
    and i.purpose = 'hiring'
    and list_contains($program_ids, a.program_id)
order by i.interview_date, i.interview_id, r.theme, rater_name
