-- panel_ratings_for_programs: every independent rating (ratings_independent) of the hiring
-- interviews in the given programs, with the interviewed person: interview, person, rater, theme,
-- score. The rater-by-group analysis compares each rating with the other raters' on the same
-- interview and theme (an interview with one rater gives no gap).
-- params: $program_ids (list of program ids), $hidden_person_ids (people the reader is blinded to)
select
    r.interview_id,
    i.person_id,
    r.rater_id,
    r.theme,
    cast(r.score as integer) as score,
from ratings_independent as r
inner join interviews as i on i.interview_id = r.interview_id
where
    i.purpose = 'hiring'
    and list_contains($program_ids, i.program_id)
    and not list_contains($hidden_person_ids, i.person_id)
order by r.interview_id, r.rater_id, r.theme
