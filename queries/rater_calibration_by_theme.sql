-- rater_calibration_by_theme: per rater and theme, how far the rater's independent scores sit
-- from the interview's score (the consensus in force, else the mean of the raters): mean
-- difference (positive = lenient, negative = severe), its standard deviation and counts.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
with differences as (
    select rater_id, theme, difference, against_consensus,
    from rater_score_differences
    where list_contains($program_ids, program_id) and not list_contains($hidden_person_ids, person_id)
)

select
    d.rater_id,
    coalesce(ra.full_name, d.rater_id) as rater_name,
    d.theme,
    count(*) as n_ratings,
    count(*) filter (where d.against_consensus) as n_with_consensus,
    avg(d.difference) as mean_difference,
    stddev_samp(d.difference) as sd_difference,
from differences as d
left join raters as ra on ra.rater_id = d.rater_id
group by d.rater_id, ra.full_name, d.theme
order by d.rater_id, d.theme
