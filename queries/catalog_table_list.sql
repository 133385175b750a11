-- catalog_table_list: every table of this database (contract, app-owned, materialized) with its DDL,
-- for a backup, which copies each and whose restore re-creates them from `sql`; temporary and
-- internal tables are left out.
-- params: none
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
