-- scores_delete_for_interview: drop one interview's materialized scores (before recomputing them).
-- params: $interview_id
delete from interview_theme_scores
where interview_id = $interview_id
