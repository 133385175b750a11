-- outbox_due: the queued messages to send now: those never tried and those whose retry is due
-- (every queued one when $everything), oldest first.
-- params: $now (timestamp, UTC), $everything (boolean)
select
    outbox_id,
    kind,
    recipient,
    message,
    message_id,
    attempts,
    first_attempt_at,
from app_outbox
where
    status = 'queued'
    and ($everything or next_attempt_at is null or next_attempt_at <= $now)
order by outbox_id
