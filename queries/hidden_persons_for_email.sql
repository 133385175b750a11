-- hidden_persons_for_email: the people this address may not see ratings or evidence of yet: those
-- with an interview on whose panel a rater with this email sits (not recused) and has not yet
-- submitted a scorecard. The blind rule: nothing of another rater's card for that person reaches
-- them before they submit their own.
-- params: $email
select distinct i.person_id,
from app_panel_seats as s
inner join raters as r on r.rater_id = s.rater_id
inner join interviews as i on i.interview_id = s.interview_id
where
    r.email is not null
    and trim($email) <> ''
    and lower(trim(r.email)) = lower(trim($email))
    and s.status <> 'recused'
    and not exists (
        select 1
        from app_scorecards as c
        where c.interview_id = s.interview_id and c.rater_id = s.rater_id and c.version >= 1
    )
order by i.person_id
