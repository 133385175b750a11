-- table_counts: rows in each contract table (demographics, restricted, is left out).
-- params: none
select 'themes' as table_name, count(*) as row_count from themes
union all
select 'subthemes' as table_name, count(*) as row_count from subthemes
union all
select 'sites' as table_name, count(*) as row_count from sites
union all
select 'programs' as table_name, count(*) as row_count from programs
union all
select 'people' as table_name, count(*) as row_count from people
union all
select 'raters' as table_name, count(*) as row_count from raters
union all
select 'applications' as table_name, count(*) as row_count from applications
union all
select 'interviews' as table_name, count(*) as row_count from interviews
union all
select 'ratings' as table_name, count(*) as row_count from ratings
union all
select 'consensus' as table_name, count(*) as row_count from consensus
union all
select 'excerpts' as table_name, count(*) as row_count from excerpts
union all
select 'transcripts' as table_name, count(*) as row_count from transcripts
union all
select 'excerpt_positions' as table_name, count(*) as row_count from excerpt_positions
union all
select 'cohorts' as table_name, count(*) as row_count from cohorts
union all
select 'enrollments' as table_name, count(*) as row_count from enrollments
union all
select 'modules' as table_name, count(*) as row_count from modules
union all
select 'module_themes' as table_name, count(*) as row_count from module_themes
union all
select 'module_completions' as table_name, count(*) as row_count from module_completions
union all
select 'staff' as table_name, count(*) as row_count from staff
union all
select 'peer_nominations' as table_name, count(*) as row_count from peer_nominations
union all
select 'outcomes' as table_name, count(*) as row_count from outcomes
