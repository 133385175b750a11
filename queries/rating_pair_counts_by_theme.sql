-- rating_pair_counts_by_theme: for every two raters who rated the same theme of the same
-- interview (rater_a < rater_b), how many interviews got each pair of scores: the pair's
-- 5 x 5 contingency table, one row per non-empty cell, for interviews in the given programs.
-- Reads each rater's independent rating (a Vocation scorecard's first submission).
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with allowed as (
    select
        r.interview_id,
        r.rater_id,
        r.theme,
        cast(r.score as integer) as score,
    from ratings_independent as r
    inner join interviews as i on i.interview_id = r.interview_id
    where list_contains($program_ids, i.program_id) and not list_contains($hidden_person_ids, i.person_id)
)

select
    a.theme,
    a.rater_id as rater_a,
    b.rater_id as rater_b,
    a.score as score_a,
    b.score as score_b,
    count(*) as n_units,
from allowed as a
inner join allowed as b
    on b.interview_id = a.interview_id and b.theme = a.theme and b.rater_id > a.rater_id
group by a.theme, a.rater_id, b.rater_id, a.score, b.score
order by a.theme, a.rater_id, b.rater_id, a.score, b.score
