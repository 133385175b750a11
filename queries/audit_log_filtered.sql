-- audit_log_filtered: audit entries, newest first, filtered by time, person and action.
-- params: $since (timestamp or null), $until (timestamp or null), $who (substring or null),
--         $action (action code or null)
select
    audit_id,
    logged_at,
    who,
    role,
    action,
    object,
    row_count,
from app_audit_log
where
    ($since is null or logged_at >= $since)
    and ($until is null or logged_at < $until)
    and ($who is null or contains(lower(who), lower($who)))
    and ($action is null or action = $action)
order by logged_at desc, audit_id desc
