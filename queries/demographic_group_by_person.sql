-- demographic_group_by_person: each applicant to the given programs in every group dimension the
-- fairness analysis uses (sex, race_ethnicity, sex_x_race_ethnicity): one row per person and
-- dimension. A blank or missing answer is 'not provided', as selection_by_demographic_group.
-- Restricted: read only by dashboard/leadership/fairness.py (the validation study's score gaps,
-- differential prediction and rater-by-group gaps take the groups from there).
-- params: $program_ids (list of program ids)
with people_in as (
    select distinct person_id from applications
    where list_contains($program_ids, program_id)
),

answered as (
    select
        p.person_id,
        coalesce(nullif(trim(d.sex), ''), 'not provided') as sex,
        coalesce(nullif(trim(d.race_ethnicity), ''), 'not provided') as race_ethnicity,
    from people_in as p
    left join demographics as d on d.person_id = p.person_id
)

select person_id, 'sex' as dimension, sex as group_label from answered
union all
select person_id, 'race_ethnicity' as dimension, race_ethnicity as group_label from answered
union all
select person_id, 'sex_x_race_ethnicity' as dimension, sex || ' × ' || race_ethnicity as group_label
from answered
order by dimension, person_id
