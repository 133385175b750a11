-- outbox_counts: how many messages the outbox holds in each status.
-- params: none
select
    status,
    count(*) as messages,
from app_outbox
group by status
order by status
