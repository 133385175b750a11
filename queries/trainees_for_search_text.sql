-- trainees_for_search_text: the enrollments in cohorts of the given programs whose trainee's name
-- or person id contains $text, case-insensitive; newest cohort first, then by name.
-- params: $text, $program_ids (list of program ids the reader may see)
select
    e.person_id,
    p.full_name,
    c.program_id,
    pr.program_name,
    e.cohort_id,
    c.cohort_name,
    e.status,
    e.enrolled_on,
from enrollments as e
inner join cohorts as c on c.cohort_id = e.cohort_id
inner join people as p on p.person_id = e.person_id
left join programs as pr on pr.program_id = c.program_id
where
    list_contains($program_ids, c.program_id)
    and (contains(lower(e.person_id), lower($text)) or contains(lower(p.full_name), lower($text)))
order by c.starts_on desc, p.full_name, e.person_id
