-- outbox_next_id: a new id for a message in the outbox (from the app's sequence; it is also part
-- of the message's Message-ID, so it never repeats).
-- params: none
select nextval('app_id_seq') as outbox_id
