-- scores_refresh_all: rebuild the materialized interview_theme_scores from the live view.
-- In two steps (the rows, then sorted): at scale 1,000 the view's joins and the sort together
-- would need more memory than an import may use; apart, each spills to disk within it.
-- params: none
delete from interview_theme_scores;
create or replace temp table interview_theme_scores_stage as
select * from interview_theme_scores_live;
insert into interview_theme_scores
select * from interview_theme_scores_stage
order by program_id, purpose, interview_id;
drop table interview_theme_scores_stage;
