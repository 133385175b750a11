-- review_scores_for_purposes: the panel's score per theme of every trainee's review of these
-- purposes held in their cohort's program (for seeding the demo's self-assessments), oldest first.
-- params: $purposes (list)
select
    t.person_id,
    t.interview_id,
    t.purpose,
    t.theme,
    t.score as panel_score,
from interview_theme_scores as t
inner join enrollments as e on e.person_id = t.person_id
inner join cohorts as c on c.cohort_id = e.cohort_id and c.program_id = t.program_id
where list_contains($purposes, t.purpose)
order by t.person_id, t.interview_date, t.interview_id, t.theme
