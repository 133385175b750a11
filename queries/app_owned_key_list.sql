-- app_owned_key_list: the interviews scheduled in Vocation and the excerpts their scorecards wrote:
-- keys an import may not touch.
-- params: none
select
    'interview' as kind,
    interview_id as key,
from app_interviews
union all
select
    'excerpt' as kind,
    e.excerpt_id as key,
from excerpts as e
semi join app_interviews as a on a.interview_id = e.interview_id
