-- scorecard_scores_for_cards: the per-theme scores of these cards (score null = not assessed).
-- params: $scorecard_ids (list)
select
    scorecard_id,
    theme,
    cast(score as integer) as score,
from app_scorecard_scores
where list_contains($scorecard_ids, scorecard_id)
order by scorecard_id, theme
