-- app_meta_insert: store a value under a key unless the key already has one (first write wins).
-- params: $key, $value
insert into app_meta (key, value)
values ($key, $value)
on conflict do nothing
