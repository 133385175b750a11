-- user_role_insert: grant one role (over one program, '' when unscoped) to an email address.
-- params: $email, $role, $program_id, $added_by
insert into app_user_roles (email, role, program_id, added_by, added_at)
values (lower($email), $role, $program_id, $added_by, now())
on conflict do nothing
