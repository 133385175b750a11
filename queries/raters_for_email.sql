-- raters_for_email: the raters whose email is this address (case-insensitive): who a signed-in
-- interviewer is. Empty for a blank address.
-- params: $email
select
    rater_id,
    full_name,
from raters
where email is not null and trim($email) <> '' and lower(trim(email)) = lower(trim($email))
order by rater_id
