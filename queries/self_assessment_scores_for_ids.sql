-- self_assessment_scores_for_ids: the theme rows (score, null = not assessed, and example) of
-- these saved self-assessments.
-- params: $self_assessment_ids (list)
select
    self_assessment_id,
    theme,
    score,
    example,
from app_self_assessment_scores
where list_contains($self_assessment_ids, self_assessment_id)
order by self_assessment_id, theme
