-- rating_gaps_for_programs: each independent rating's gap on the programs' hiring interviews, for
-- the rater-by-group analysis: the rater's score minus the mean of the other raters' scores on the
-- same interview and theme (a rater's rows on one interview and theme averaged first; interviews
-- and themes with one rater give no gap). Computed here, not row by row in Python: 3.8 million
-- ratings at scale 1,000.
-- params: $program_ids (list of program ids), $hidden_person_ids (people the reader is blinded to)
with scored as (
    select
        r.interview_id,
        i.person_id,
        r.rater_id,
        r.theme,
        avg(r.score) as score,
    from ratings_independent as r
    inner join interviews as i on i.interview_id = r.interview_id
    where
        i.purpose = 'hiring'
        and r.score is not null
        and list_contains($program_ids, i.program_id)
        and not list_contains($hidden_person_ids, i.person_id)
    group by r.interview_id, i.person_id, r.rater_id, r.theme
),

cells as (
    select
        *,
        count(*) over cell as raters,
        sum(score) over cell as total,
    from scored
    window cell as (partition by interview_id, theme)
)

select
    interview_id,
    person_id,
    rater_id,
    theme,
    score - (total - score) / (raters - 1) as gap,
from cells
where raters >= 2
