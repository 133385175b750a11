-- catalog_view_list: every view and index of this database with its DDL, in the order they were
-- made (a view may read an earlier one), for a backup.
-- params: none
with found as (
    select
        'view' as kind,
        view_name as name,
        sql,
        view_oid as oid,
    from duckdb_views()
    where
        database_name = current_database()
        and schema_name = 'main'
        and not internal
        and not temporary
    union all
    select
        'index' as kind,
        index_name as name,
        sql,
        index_oid as oid,
    from duckdb_indexes()
    where
        database_name = current_database()
        and schema_name = 'main'
        and sql is not null
)

select
    kind,
    name,
    sql,
from found
order by oid
