"""Telling people: mail and calendar invitations through the program's own SMTP server.

The database-free core lives here — `settings` (the [smtp] secrets and their environment overrides),
`calendar` (iCalendar REQUEST and CANCEL events for an interview), `compose` (a message's common frame),
`messages` (one pure builder per kind of message, carrying who, what, when and a link, never scores,
excerpts, decisions, notes or anyone's self-identified groups) and `smtp` (sending one message, classifying the outcome as
sent, temporary or permanent, and the retry schedule). Modules here may import only `core` from the
rest of Vocation; this package imports nothing on load."""
