-- rater_list: every rater (id, full name, email), for a panel picker and for matching a coded
-- project's users to raters.
-- params: none
select
    rater_id,
    full_name,
    email,
from raters
order by rater_id
