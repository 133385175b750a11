-- self_assessments_total: one row with the number of saved self-assessment versions (any trainee).
-- params: none
select count(*) as n
from app_self_assessments
