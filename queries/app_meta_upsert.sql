-- app_meta_upsert: store a value under a key, replacing any earlier one (last write wins).
-- params: $key, $value
insert into app_meta (key, value)
values ($key, $value)
on conflict (key) do update set value = excluded.value
