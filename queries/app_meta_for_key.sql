-- app_meta_for_key: the value stored under one key of the app's own settings (no row if unset).
-- params: $key
select
    value,
from app_meta
where key = $key
