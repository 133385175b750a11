-- trainee_mail_for_person: where a review's messages to the reviewed trainee go: the person's
-- name and email, whether they are enrolled in the review's program (only then do they
-- self-assess it) and how many people share that address (a shared address gets nothing).
-- params: $person_id, $program_id
select
    p.person_id,
    p.full_name,
    nullif(trim(p.email), '') as email,
    exists (
        select 1
        from enrollments as e
        inner join cohorts as c on c.cohort_id = e.cohort_id
        where e.person_id = p.person_id and c.program_id = $program_id
    ) as enrolled,
    (
        select count(*)
        from people as o
        where o.email is not null and lower(trim(o.email)) = lower(trim(p.email))
    ) as sharing,
from people as p
where p.person_id = $person_id
