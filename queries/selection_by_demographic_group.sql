-- selection_by_demographic_group: applications per demographic group and how many reached each
-- stage, by sex, by race/ethnicity and by both. A blank or missing answer is 'not provided'.
-- The only query that reads the restricted demographics table (the fairness analysis).
-- params: $program_ids (list of program ids).
with answered as (
    select
        case a.stage
            when 'applied' then 0
            when 'screened' then 1
            when 'interviewed' then 2
            when 'offered' then 3
            when 'hired' then 4
        end as stage_rank,
        coalesce(nullif(trim(d.sex), ''), 'not provided') as sex,
        coalesce(nullif(trim(d.race_ethnicity), ''), 'not provided') as race_ethnicity,
    from applications as a
    left join demographics as d on d.person_id = a.person_id
    where list_contains($program_ids, a.program_id)
),

grouped as (
    select
        case
            when grouping(sex) = 0 and grouping(race_ethnicity) = 0 then 'sex_x_race_ethnicity'
            when grouping(sex) = 0 then 'sex'
            else 'race_ethnicity'
        end as dimension,
        case
            when grouping(sex) = 0 and grouping(race_ethnicity) = 0 then sex || ' × ' || race_ethnicity
            when grouping(sex) = 0 then sex
            else race_ethnicity
        end as group_label,
        count(*) as applied,
        count(*) filter (where stage_rank >= 2) as interviewed,
        count(*) filter (where stage_rank >= 3) as offered,
        count(*) filter (where stage_rank >= 4) as hired,
    from answered
    group by grouping sets ((sex), (race_ethnicity), (sex, race_ethnicity))
)

select
    dimension,
    group_label,
    applied,
    interviewed,
    offered,
    hired,
from grouped
order by dimension, group_label
