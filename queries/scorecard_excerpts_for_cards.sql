-- scorecard_excerpts_for_cards: the verbatim excerpts of these cards, in the order entered.
-- params: $scorecard_ids (list)
select
    scorecard_id,
    position,
    theme,
    subtheme,
    stance,
    text,
from app_scorecard_excerpts
where list_contains($scorecard_ids, scorecard_id)
order by scorecard_id, position
