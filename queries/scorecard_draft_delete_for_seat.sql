-- scorecard_draft_delete_for_seat: remove a rater's draft (version 0) and its scores and excerpts.
-- params: $interview_id, $rater_id
delete from app_scorecard_scores
where scorecard_id in (
    select scorecard_id from app_scorecards
    where interview_id = $interview_id and rater_id = $rater_id and version = 0
);
delete from app_scorecard_excerpts
where scorecard_id in (
    select scorecard_id from app_scorecards
    where interview_id = $interview_id and rater_id = $rater_id and version = 0
);
delete from app_scorecards
where interview_id = $interview_id and rater_id = $rater_id and version = 0;
