-- reminders_off_list: the addresses that turned overdue reminders off.
-- params: none
select email,
from app_mail_preferences
where not reminders
order by email
