-- program_list: every program with its site, for pickers and for resolving "all programs".
-- params: none
select
    p.program_id,
    p.program_name,
    s.site_id,
    s.site_name,
from programs as p
left join sites as s on s.site_id = p.site_id
order by p.program_id
