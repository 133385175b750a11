-- user_roles_list: every role granted, one row per person, role and program.
-- params: none
select
    email,
    role,
    program_id,
    added_by,
    added_at,
from app_user_roles
order by lower(email), role, program_id
