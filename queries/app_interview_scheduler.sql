-- app_interview_scheduler: who scheduled an interview in Vocation (their sign-in address, or the
-- command line's name) and when.
-- params: $interview_id
select
    scheduled_by,
    scheduled_at,
from app_interviews
where interview_id = $interview_id
