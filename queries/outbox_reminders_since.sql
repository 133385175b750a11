-- outbox_reminders_since: the overdue reminders queued to this address since a moment (a day's
-- start): a reminder goes at most once a day.
-- params: $recipient, $since (timestamp, UTC)
select count(*) as reminders,
from app_outbox
where kind = 'overdue_reminder' and lower(recipient) = lower($recipient) and created_at >= $since
