-- scores_insert_for_interview: recompute one interview's materialized scores from the live view.
-- params: $interview_id
insert into interview_theme_scores
select * from interview_theme_scores_live
where interview_id = $interview_id
