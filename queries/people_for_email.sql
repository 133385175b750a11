-- people_for_email: the people whose email is this address (case-insensitive), each with whether
-- they have an enrollment: who a signed-in trainee is. Empty for a blank address.
-- params: $email
select
    p.person_id,
    exists (select 1 from enrollments as e where e.person_id = p.person_id) as enrolled,
from people as p
where p.email is not null and trim($email) <> '' and lower(trim(p.email)) = lower(trim($email))
order by p.person_id
