-- active_trainee_list: trainees with an active enrollment and their cohort's program, the newest
-- cohort first (the sample data's demo trainee review takes the first).
-- params: none
select
    e.person_id,
    c.program_id,
from enrollments as e
inner join cohorts as c on c.cohort_id = e.cohort_id
where e.status = 'active'
order by c.starts_on desc, e.person_id
