-- mail_preference_for_email: whether this address takes overdue reminders (no row: it does).
-- params: $email
select reminders,
from app_mail_preferences
where email = lower(trim($email))
