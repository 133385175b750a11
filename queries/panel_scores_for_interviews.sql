-- panel_scores_for_interviews: the panel's score per interview and rated theme (the consensus in
-- force, else the mean of the raters) with the number of raters.
-- params: $interview_ids (list)
select
    interview_id,
    theme,
    score as panel_score,
    n_raters,
from interview_theme_scores
where list_contains($interview_ids, interview_id)
order by interview_id, theme
