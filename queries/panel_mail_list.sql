-- panel_mail_list: each seat of one interview's panel with the rater's name and email (for the
-- messages about the interview) and whether the rater's card is submitted.
-- params: $interview_id
select
    s.rater_id,
    coalesce(r.full_name, s.rater_id) as rater_name,
    nullif(trim(r.email), '') as rater_email,
    s.status as seat_status,
    exists (
        select 1
        from app_scorecards as c
        where c.interview_id = s.interview_id and c.rater_id = s.rater_id and c.version >= 1
    ) as submitted,
from app_panel_seats as s
left join raters as r on r.rater_id = s.rater_id
where s.interview_id = $interview_id
order by s.added_at, s.rater_id
