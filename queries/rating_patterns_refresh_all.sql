-- rating_patterns_refresh_all: rebuild the materialized rating patterns (program, theme, quarter)
-- from the live view.
-- params: none
delete from rating_patterns;
insert into rating_patterns
select * from rating_patterns_live
order by program_id, theme, quarter;
