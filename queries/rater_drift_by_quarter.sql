-- rater_drift_by_quarter: per rater and quarter (all themes together), the mean difference of
-- the rater's independent scores from the interview's score (the consensus in force, else the
-- mean of the raters), with its count: a rater drifting towards leniency or severity over time.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with differences as (
    select
        rater_id,
        strftime(interview_date, '%Y') || '-Q' || cast(quarter(interview_date) as varchar) as quarter,
        difference,
    from rater_score_differences
    where list_contains($program_ids, program_id) and not list_contains($hidden_person_ids, person_id)
)

select
    d.rater_id,
    coalesce(ra.full_name, d.rater_id) as rater_name,
    d.quarter,
    count(*) as n_ratings,
    avg(d.difference) as mean_difference,
from differences as d
left join raters as ra on ra.rater_id = d.rater_id
group by d.rater_id, ra.full_name, d.quarter
order by d.rater_id, d.quarter
