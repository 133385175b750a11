-- overdue_seats_for_programs: panel seats (not recused) of interviews in the given programs whose
-- rater has not submitted a scorecard although the interview was on or before $due_before.
-- params: $program_ids (list), $due_before (date: today minus the days a rater has to submit)
select
    i.interview_id,
    i.interview_date,
    i.purpose,
    i.program_id,
    p.full_name as person_name,
    s.rater_id,
    coalesce(r.full_name, s.rater_id) as rater_name,
    r.email as rater_email,
    s.status as seat_status,
from app_panel_seats as s
inner join interviews as i on i.interview_id = s.interview_id
left join people as p on p.person_id = i.person_id
left join raters as r on r.rater_id = s.rater_id
where
    list_contains($program_ids, i.program_id)
    and s.status <> 'recused'
    and i.interview_date <= $due_before
    and not exists (
        select 1
        from app_scorecards as c
        where c.interview_id = s.interview_id and c.rater_id = s.rater_id and c.version >= 1
    )
order by i.interview_date, i.interview_id, s.rater_id
