-- catalog_sequence_list: every sequence of this database with its DDL (whose START is past every
-- value handed out so far, so restored ids never collide), for a backup.
-- params: none
select
    sequence_name,
    sql,
from duckdb_sequences()
where
    database_name = current_database()
    and schema_name = 'main'
    and not temporary
order by sequence_oid
