-- user_roles_for_email: the roles (and programs, '' when unscoped) granted to one email address.
-- params: $email (matched case-insensitively)
select
    role,
    program_id,
from app_user_roles
where lower(email) = lower($email)
order by role, program_id
