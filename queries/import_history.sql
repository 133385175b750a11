-- import_history: every recorded import, newest first.
-- params: none
select
    import_id,
    imported_at,
    imported_by,
    files,
    inserted,
    updated,
    unchanged,
    checksum,
from app_imports
order by imported_at desc, import_id desc
