-- scorecard_versions_for_seat: every saved state of one rater's card for one interview
-- (version 0 = draft, 1 = first submission, 2+ = amendments), oldest first.
-- params: $interview_id, $rater_id
select
    scorecard_id,
    interview_id,
    rater_id,
    version,
    reason,
    saved_by,
    saved_at,
from app_scorecards
where interview_id = $interview_id and rater_id = $rater_id
order by version
