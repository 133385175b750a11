-- cohort_growth_by_theme: one row per trainee and theme with the change from the intake
-- assessment to the latest later assessment (midpoint or exit). No person id leaves this query;
-- the rows are summarised (mean with interval, small groups suppressed) before any page sees them.
-- params: $program_ids (list of program ids), $year_from, $year_to (cohort start years, inclusive).
with assessed as (
    select
        e.cohort_id,
        s.person_id,
        s.theme,
        s.purpose,
        s.interview_date,
        s.score,
    from interview_theme_scores as s
    inner join enrollments as e on e.person_id = s.person_id
    inner join cohorts as c on c.cohort_id = e.cohort_id and c.program_id = s.program_id
    where
        s.purpose in ('intake', 'midpoint', 'exit')
        and s.score is not null
        and list_contains($program_ids, c.program_id)
        and year(c.starts_on) between $year_from and $year_to
),

per_trainee as (
    select
        cohort_id,
        person_id,
        theme,
        arg_min(score, interview_date) filter (where purpose = 'intake') as intake_score,
        arg_max(score, interview_date) filter (where purpose <> 'intake') as latest_score,
    from assessed
    group by cohort_id, person_id, theme
)

select
    c.cohort_name,
    t.theme,
    t.intake_score,
    t.latest_score,
    t.latest_score - t.intake_score as change,
from per_trainee as t
inner join cohorts as c on c.cohort_id = t.cohort_id
where t.intake_score is not null and t.latest_score is not null
order by c.cohort_name, t.theme
