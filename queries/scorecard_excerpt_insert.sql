-- scorecard_excerpt_insert: one verbatim excerpt on a card.
-- params: $scorecard_id, $position, $theme, $subtheme, $stance, $text
insert into app_scorecard_excerpts (scorecard_id, position, theme, subtheme, stance, text)
values ($scorecard_id, $position, $theme, $subtheme, $stance, $text)
