-- ratings_for_programs: every independent rating (0-4) of the interviews in the given programs,
-- one row per interview, rater and theme, with the interview's date and quarter.
-- Imported ratings as they are; a scorecard made in Vocation counts with its first submission.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with allowed as (
    select
        interview_id,
        program_id,
        interview_date,
    from interviews
    where list_contains($program_ids, program_id) and not list_contains($hidden_person_ids, person_id)
)

select
    r.interview_id,
    a.program_id,
    a.interview_date,
    strftime(a.interview_date, '%Y') || '-Q' || cast(quarter(a.interview_date) as varchar) as quarter,
    r.rater_id,
    r.theme,
    cast(r.score as integer) as score,
from ratings_independent as r
inner join allowed as a on a.interview_id = r.interview_id
order by r.theme, a.interview_date, r.interview_id, r.rater_id
