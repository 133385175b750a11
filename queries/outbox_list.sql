-- outbox_list: the outbox without the messages' bodies, newest first (optionally one status's).
-- params: $status (null: every status)
select
    outbox_id,
    created_at,
    kind,
    recipient,
    subject,
    status,
    attempts,
    first_attempt_at,
    last_attempt_at,
    next_attempt_at,
    last_reply,
    interview_id,
    message_id,
from app_outbox
where $status is null or status = $status
order by outbox_id desc
