-- hiring_funnel_by_program: applications per program by the furthest stage they reached.
-- params: $program_ids (list of program ids), $year_from, $year_to (application years, inclusive),
-- $date_from, $date_to (application dates, inclusive: a quarter for the board report).
select
    p.program_name,
    a.stage,
    count(*) as applications,
from applications as a
inner join programs as p on p.program_id = a.program_id
where
    list_contains($program_ids, a.program_id)
    and year(a.applied_on) between $year_from and $year_to
    and a.applied_on between $date_from and $date_to
group by p.program_name, a.stage
order by p.program_name, a.stage
