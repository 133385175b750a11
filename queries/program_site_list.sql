-- program_site_list: programs with their site and the years that have hiring or training data,
-- for the leadership filters.
-- params: none
select
    p.program_id,
    p.program_name,
    p.site_id,
    coalesce(s.site_name, p.site_id) as site_name,
from programs as p
left join sites as s on s.site_id = p.site_id
order by site_name, p.program_name
