-- outbox_mark: record one try of a queued message: sent, queued again (with when to retry) or
-- failed, with the server's reply. Only a queued message changes (a sent one is never reopened).
-- params: $outbox_id, $status, $attempts, $first_attempt_at, $last_attempt_at, $next_attempt_at, $last_reply
update app_outbox
set
    status = $status,
    attempts = $attempts,
    first_attempt_at = $first_attempt_at,
    last_attempt_at = $last_attempt_at,
    next_attempt_at = $next_attempt_at,
    last_reply = $last_reply
where outbox_id = $outbox_id and status = 'queued'
