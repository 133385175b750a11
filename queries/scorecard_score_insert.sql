-- scorecard_score_insert: one theme's score on a card (null: not assessed).
-- params: $scorecard_id, $theme, $score
insert into app_scorecard_scores (scorecard_id, theme, score)
values ($scorecard_id, $theme, $score)
