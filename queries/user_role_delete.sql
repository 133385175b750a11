-- user_role_delete: take away one role (every program of it), or every role when $role is null.
-- params: $email (matched case-insensitively), $role (null: all roles)
delete from app_user_roles
where
    lower(email) = lower($email)
    and ($role is null or role = $role)
