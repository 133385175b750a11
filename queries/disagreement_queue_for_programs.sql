-- disagreement_queue_for_programs: interview themes whose independent scores differ by 2 or
-- more and that have no consensus in force, oldest interview first, with every rater's score.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule),
-- $limit and $offset (one page
-- of rows; a null $limit reads them all)
with pending as (
    select
        interview_id,
        theme,
        person_id,
        program_id,
        interview_date,
        purpose,
        min_rating,
        max_rating,
    from interview_theme_scores
    where
        pending
        and list_contains($program_ids, program_id)
        and not list_contains($hidden_person_ids, person_id)
),

scores as (
    select
        p.interview_id,
        p.theme,
        string_agg(coalesce(ra.full_name, r.rater_id) || ': ' || cast(r.score as varchar), '; '
            order by r.rater_id) as rater_scores,
    from pending as p
    inner join ratings as r on r.interview_id = p.interview_id and r.theme = p.theme
    left join raters as ra on ra.rater_id = r.rater_id
    group by p.interview_id, p.theme
)

select
    p.interview_id,
    p.theme,
    p.interview_date,
    p.purpose,
    p.program_id,
    pe.full_name as person_name,
    s.rater_scores,
    p.max_rating - p.min_rating as gap,
from pending as p
inner join scores as s on s.interview_id = p.interview_id and s.theme = p.theme
left join people as pe on pe.person_id = p.person_id
order by p.interview_date, p.interview_id, p.theme
limit $limit
offset $offset
