-- panel_seat_list: every panel seat of the interviews scheduled in Vocation (optionally one
-- interview's), with the rater's card state, for `scorecard list`.
-- params: $interview_id (null: every interview)
with cards as (
    select
        interview_id,
        rater_id,
        max(version) as latest_version,
        min(saved_at) filter (where version = 1) as submitted_at,
        max(saved_at) as last_saved_at,
    from app_scorecards
    group by interview_id, rater_id
)

select
    s.interview_id,
    i.interview_date,
    i.purpose,
    i.program_id,
    i.person_id,
    s.rater_id,
    s.status as seat_status,
    s.recusal_reason,
    c.latest_version,
    c.submitted_at,
    c.last_saved_at,
from app_panel_seats as s
inner join interviews as i on i.interview_id = s.interview_id
left join cards as c on c.interview_id = s.interview_id and c.rater_id = s.rater_id
where $interview_id is null or s.interview_id = $interview_id
order by i.interview_date, s.interview_id, s.rater_id
