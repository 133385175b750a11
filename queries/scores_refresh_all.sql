-- scores_refresh_all: rebuild the materialized interview_theme_scores from the live view.
-- params: none
delete from interview_theme_scores;
insert into interview_theme_scores
select * from interview_theme_scores_live
order by program_id, purpose, interview_id;
