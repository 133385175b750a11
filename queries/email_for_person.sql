-- email_for_person: one person's sign-in address (the demo trainee's).
-- params: $person_id
select
    person_id,
    email,
from people
where person_id = $person_id
