-- panel_seats_for_interviews: each seat on the panels of these interviews: the rater, the seat's
-- status (seated, confirmed, recused) and reason, and the rater's card: its latest version
-- (0 = a draft only, null = nothing saved), when it was first submitted and last saved.
-- params: $interview_ids (list)
with cards as (
    select
        interview_id,
        rater_id,
        max(version) as latest_version,
        min(saved_at) filter (where version = 1) as submitted_at,
        max(saved_at) as last_saved_at,
    from app_scorecards
    where list_contains($interview_ids, interview_id)
    group by interview_id, rater_id
)

select
    s.interview_id,
    i.interview_date,
    s.rater_id,
    coalesce(r.full_name, s.rater_id) as rater_name,
    s.status as seat_status,
    s.recusal_reason,
    s.conflict_checked_at,
    c.latest_version,
    c.submitted_at,
    c.last_saved_at,
from app_panel_seats as s
inner join interviews as i on i.interview_id = s.interview_id
left join raters as r on r.rater_id = s.rater_id
left join cards as c on c.interview_id = s.interview_id and c.rater_id = s.rater_id
where list_contains($interview_ids, s.interview_id)
order by s.interview_id, s.added_at, s.rater_id
