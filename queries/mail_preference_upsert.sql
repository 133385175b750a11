-- mail_preference_upsert: turn overdue reminders on or off for one address.
-- params: $email, $reminders
insert into app_mail_preferences (email, reminders, changed_at)
values (lower(trim($email)), $reminders, now())
on conflict (email) do update set reminders = excluded.reminders, changed_at = excluded.changed_at
