-- data_year_range: the first and last year with an application, interview or cohort start.
-- params: none
with years as (
    select year(applied_on) as y, from applications
    union all
    select year(interview_date) as y, from interviews
    union all
    select year(starts_on) as y, from cohorts
)

select
    coalesce(min(y), year(current_date)) as first_year,
    coalesce(max(y), year(current_date)) as last_year,
from years
