-- curriculum_coverage_by_module: one row per module and theme it targets, with
-- coverage = hours x emphasis (emphasis 1-3). The curriculum is shared by every program.
-- params: none
select
    m.module_id,
    m.module_name,
    m.hours,
    mt.theme,
    mt.emphasis,
    m.hours * mt.emphasis as coverage,
from module_themes as mt
inner join modules as m on m.module_id = mt.module_id
order by m.module_id, mt.theme
