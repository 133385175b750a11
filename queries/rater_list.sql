-- rater_list: every rater's id and full name, for matching a coded project's users to raters.
-- params: none
select
    rater_id,
    full_name,
from raters
order by rater_id
