-- ratings_for_applications: every independent rating from the hiring interviews of the given
-- applications (in the given programs): application, interview, date, rater, theme and score.
-- params: $application_ids (list), $program_ids (list of program ids the reader may see)
select
    i.application_id,
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
    list_contains($application_ids, i.application_id)
    and i.purpose = 'hiring'
    and list_contains($program_ids, a.program_id)
order by i.application_id, i.interview_date, i.interview_id, r.theme, rater_name
