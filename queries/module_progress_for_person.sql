-- module_progress_for_person: every module of the shared curriculum with the themes it targets
-- and when this person completed it (null: to do).
-- params: $person_id
select
    m.module_id,
    m.module_name,
    m.hours,
    string_agg(mt.theme, ', ' order by mt.emphasis desc, mt.theme) as themes,
    c.completed_on,
from modules as m
left join module_themes as mt on mt.module_id = m.module_id
left join module_completions as c on c.module_id = m.module_id and c.person_id = $person_id
group by m.module_id, m.module_name, m.hours, c.completed_on
order by c.completed_on nulls last, m.module_id
