-- outbox_insert: queue one message (inside the transaction of the event that causes it).
-- params: $outbox_id, $kind, $recipient, $subject, $message, $message_id, $interview_id, $created_at
insert into app_outbox (
    outbox_id, kind, recipient, subject, message, message_id, status, attempts, interview_id, created_at
)
values ($outbox_id, $kind, $recipient, $subject, $message, $message_id, 'queued', 0, $interview_id, $created_at)
