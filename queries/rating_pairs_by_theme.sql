-- rating_pairs_by_theme: the paired independent scores of every two raters who rated the same
-- theme of the same interview (rater_a < rater_b), for interviews in the given programs.
-- params: $program_ids (list of program ids the reader may see)
with allowed as (
    select
        r.interview_id,
        i.interview_date,
        r.rater_id,
        r.theme,
        cast(r.score as integer) as score,
    from ratings as r
    inner join interviews as i on i.interview_id = r.interview_id
    where list_contains($program_ids, i.program_id)
)

select
    a.theme,
    a.rater_id as rater_a,
    b.rater_id as rater_b,
    a.interview_id,
    a.interview_date,
    strftime(a.interview_date, '%Y') || '-Q' || cast(quarter(a.interview_date) as varchar) as quarter,
    a.score as score_a,
    b.score as score_b,
from allowed as a
inner join allowed as b
    on b.interview_id = a.interview_id and b.theme = a.theme and b.rater_id > a.rater_id
order by a.theme, a.rater_id, b.rater_id, a.interview_date, a.interview_id
