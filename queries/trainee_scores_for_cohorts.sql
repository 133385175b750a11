-- trainee_scores_for_cohorts: one row per trainee, assessment (intake, midpoint, exit, annual)
-- and rated theme, for the given cohorts of the reader's programs. Only assessments held in the
-- cohort's own program count. score = consensus where it exists, else the mean of ratings.
-- params: $cohort_ids (list), $program_ids (list of program ids the reader may see)
with scoped as (
    select
        e.cohort_id,
        e.person_id,
        c.program_id,
    from enrollments as e
    inner join cohorts as c on c.cohort_id = e.cohort_id
    where
        list_contains($cohort_ids, e.cohort_id)
        and list_contains($program_ids, c.program_id)
)

select
    s.cohort_id,
    s.person_id,
    t.interview_id,
    t.interview_date,
    t.purpose,
    t.theme,
    t.score,
    t.n_raters,
    t.disagreement,
    t.pending,
from scoped as s
inner join interview_theme_scores as t
    on t.person_id = s.person_id
    and t.program_id = s.program_id
where t.purpose in ('intake', 'midpoint', 'exit', 'annual')
order by s.person_id, t.interview_date, t.theme
