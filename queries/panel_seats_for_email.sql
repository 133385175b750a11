-- panel_seats_for_email: every panel seat of the raters with this email (case-insensitive),
-- with the interview, the person and program, and the state of the rater's own card.
-- params: $email
with mine as (
    select rater_id
    from raters
    where email is not null and trim($email) <> '' and lower(trim(email)) = lower(trim($email))
),

cards as (
    select
        c.interview_id,
        c.rater_id,
        max(c.version) as latest_version,
        min(c.saved_at) filter (where c.version = 1) as submitted_at,
    from app_scorecards as c
    inner join mine as m on m.rater_id = c.rater_id
    group by c.interview_id, c.rater_id
)

select
    s.interview_id,
    i.interview_date,
    i.purpose,
    i.person_id,
    p.full_name as person_name,
    i.program_id,
    pr.program_name,
    s.rater_id,
    s.status as seat_status,
    s.recusal_reason,
    c.latest_version,
    c.submitted_at,
from app_panel_seats as s
inner join mine as m on m.rater_id = s.rater_id
inner join interviews as i on i.interview_id = s.interview_id
left join people as p on p.person_id = i.person_id
left join programs as pr on pr.program_id = i.program_id
left join cards as c on c.interview_id = s.interview_id and c.rater_id = s.rater_id
order by i.interview_date, s.interview_id, s.rater_id
