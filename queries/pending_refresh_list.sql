-- pending_refresh_list: the interviews whose materialized rows wait for a refresh (each once).
-- params: none
select distinct interview_id
from app_pending_refresh
order by interview_id
