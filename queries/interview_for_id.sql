-- interview_for_id: one interview with its person, program, quarter (as rating_units counts it)
-- and whether it was scheduled in Vocation (app_owned); no row when there is no such interview.
-- params: $interview_id
select
    i.interview_id,
    i.person_id,
    p.full_name as person_name,
    i.program_id,
    pr.program_name,
    i.application_id,
    i.interview_date,
    i.purpose,
    strftime(i.interview_date, '%Y') || '-Q' || cast(quarter(i.interview_date) as varchar) as quarter,
    a.interview_id is not null as app_owned,
from interviews as i
left join people as p on p.person_id = i.person_id
left join programs as pr on pr.program_id = i.program_id
left join app_interviews as a on a.interview_id = i.interview_id
where i.interview_id = $interview_id
