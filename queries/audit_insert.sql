-- audit_insert: append one entry to the audit log (the log is append-only: nothing updates or deletes it).
-- params: $who, $role, $action, $object, $row_count
insert into app_audit_log (logged_at, who, role, action, object, row_count)
values (now(), $who, $role, $action, $object, $row_count)
