-- backup_tables: every table of this database (contract, app-owned, materialized), its DDL and size.
-- A backup copies each of them; restore re-creates them from `sql`. Temporary and internal tables
-- are left out. params: none
select
    table_name,
    sql,
    estimated_size,
from duckdb_tables()
where
    database_name = current_database()
    and schema_name = 'main'
    and not internal
    and not temporary
order by table_oid
