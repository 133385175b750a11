-- submitted_cards_for_interviews: each rater's submitted card in force (the latest submitted
-- version: the first submission or its latest amendment) for these interviews. Drafts never.
-- params: $interview_ids (list)
select
    c.scorecard_id,
    c.interview_id,
    c.rater_id,
    coalesce(r.full_name, c.rater_id) as rater_name,
    c.version,
    c.reason,
    c.saved_at,
from app_scorecards as c
left join raters as r on r.rater_id = c.rater_id
where list_contains($interview_ids, c.interview_id) and c.version >= 1
qualify row_number() over (partition by c.interview_id, c.rater_id order by c.version desc) = 1
order by c.interview_id, c.rater_id
