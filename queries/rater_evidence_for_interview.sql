-- rater_evidence_for_interview: for one interview and theme, each rater's independent score and
-- the excerpts that rater coded for that theme (one row per excerpt; a rater without excerpts
-- gets one row with empty excerpt columns). Empty when the interview is outside the programs.
-- params: $interview_id, $theme, $program_ids (list of program ids the reader may see),
-- $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with allowed as (
    select interview_id
    from interviews
    where
        interview_id = $interview_id
        and list_contains($program_ids, program_id)
        and not list_contains($hidden_person_ids, person_id)
),

scored as (
    select
        r.rater_id,
        cast(r.score as integer) as score,
    from ratings as r
    inner join allowed as a on a.interview_id = r.interview_id
    where r.theme = $theme
)

select
    s.rater_id,
    coalesce(ra.full_name, s.rater_id) as rater_name,
    s.score,
    e.stance,
    e.subtheme,
    e.text,
from scored as s
left join raters as ra on ra.rater_id = s.rater_id
left join excerpts as e
    on e.interview_id = $interview_id and e.theme = $theme and e.rater_id = s.rater_id
order by s.rater_id, e.stance desc, e.excerpt_id
