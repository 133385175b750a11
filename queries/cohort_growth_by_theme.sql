-- cohort_growth_by_theme: per cohort and theme, over trainees with an intake assessment and a
-- later one (midpoint or exit): how many, their mean intake and latest scores, and the mean,
-- sample standard deviation and spread (min = max) of the change. Aggregates only; intervals
-- and suppression of small groups are added before any page sees them.
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
),

changes as (
    select
        cohort_id,
        theme,
        intake_score,
        latest_score,
        latest_score - intake_score as change,
    from per_trainee
    where intake_score is not null and latest_score is not null
)

select
    c.cohort_name,
    t.theme,
    count(*) as trainees,
    avg(t.intake_score) as mean_intake,
    avg(t.latest_score) as mean_latest,
    avg(t.change) as mean_change,
    stddev_samp(t.change) as sd_change,
    min(t.change) = max(t.change) as no_spread,
from changes as t
inner join cohorts as c on c.cohort_id = t.cohort_id
group by c.cohort_name, t.theme
order by c.cohort_name, t.theme
