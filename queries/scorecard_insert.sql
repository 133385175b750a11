-- scorecard_insert: save one state of a rater's card (version 0 draft, 1 first submission,
-- 2+ amendment) and return its id.
-- params: $interview_id, $rater_id, $version, $reason, $saved_by
insert into app_scorecards (interview_id, rater_id, version, reason, saved_by, saved_at)
values ($interview_id, $rater_id, $version, $reason, $saved_by, now())
returning scorecard_id
