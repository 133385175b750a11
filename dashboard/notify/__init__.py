"""Telling people: mail and calendar invitations through the program's own SMTP server.

The database-free core lives here — `settings` (the [smtp] secrets and their environment overrides),
`calendar` (iCalendar REQUEST and CANCEL events for an interview), `compose` (a message's common frame),
`messages` (one pure builder per kind of message; a trainee's are in `self_messages`; each carries
who, what, when and a link, never scores, excerpts, examples, decisions, notes or anyone's
self-identified groups) and `smtp` (sending one message, classifying the outcome as sent, temporary
or permanent, and the retry schedule). Those import only `core` from the rest of Vocation. On the
database (store): `outbox` (queueing a message inside an event's transaction, sending the queue,
marking each message), `interview_mail` (what an interview's events queue to its panel) and
`trainee_mail` (what a review's events queue to the trainee reviewed).
This package imports nothing on load."""
