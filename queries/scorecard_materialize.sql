-- scorecard_materialize: write one submitted card into the contract tables every page reads:
-- replace the rater's ratings and excerpts of this (app-owned) interview by the card's.
-- params: $interview_id, $rater_id, $scorecard_id
delete from ratings
where interview_id = $interview_id and rater_id = $rater_id;
delete from excerpts
where interview_id = $interview_id and rater_id = $rater_id;
insert into ratings (interview_id, rater_id, theme, score)
select $interview_id, $rater_id, theme, score
from app_scorecard_scores
where scorecard_id = $scorecard_id and score is not null;
insert into excerpts (excerpt_id, interview_id, rater_id, theme, subtheme, stance, text)
select
    'SC' || cast($scorecard_id as varchar) || '-' || cast(position as varchar),
    $interview_id,
    $rater_id,
    theme,
    subtheme,
    stance,
    text,
from app_scorecard_excerpts
where scorecard_id = $scorecard_id;
