-- rater_list: every rater, for a panel picker.
-- params: none
select
    rater_id,
    full_name,
    email,
from raters
order by rater_id
