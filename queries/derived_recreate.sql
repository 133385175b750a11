-- derived_recreate: make the materialized tables afresh, empty, as their live views now define them
-- (db.ensure_schema runs it, then fills them, when the definitions changed); never a table of
-- imported or app data.
-- params: none
create or replace table application_scores as
select * from application_scores_live
limit 0;
create or replace table rating_patterns as
select * from rating_patterns_live
limit 0;
create or replace table hire_profiles as
select * from hire_profiles_live
limit 0;
