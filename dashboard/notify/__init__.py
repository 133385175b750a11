"""Telling people: mail and calendar invitations through the program's own SMTP server.

The database-free core lives here — `settings` (the [smtp] secrets and their environment overrides),
`calendar` (iCalendar REQUEST and CANCEL events for an interview), `compose` (a message's common frame),
`messages` (one pure builder per kind of message, carrying who, what, when and a link, never scores,
excerpts, decisions, notes or anyone's self-identified groups) and `smtp` (sending one message, classifying the outcome as
sent, temporary or permanent, and the retry schedule). Those import only `core` from the rest of
Vocation. On the database (store): `outbox` (queueing a message inside an event's transaction,
sending the queue, marking each message) and `interview_mail` (what an interview's events queue).
This package imports nothing on load."""
