-- curriculum_coverage_by_theme: per theme of the codebook, the modules that target it, their
-- hours and coverage = the sum of hours x emphasis (0 when no module targets the theme).
-- params: none
with per_theme as (
    select
        mt.theme,
        count(*) as n_modules,
        sum(m.hours) as hours,
        sum(m.hours * mt.emphasis) as coverage,
    from module_themes as mt
    inner join modules as m on m.module_id = mt.module_id
    group by mt.theme
)

select
    t.code as theme,
    coalesce(p.n_modules, 0) as n_modules,
    coalesce(p.hours, 0) as hours,
    coalesce(p.coverage, 0) as coverage,
from themes as t
left join per_theme as p on p.theme = t.code
order by t.code
