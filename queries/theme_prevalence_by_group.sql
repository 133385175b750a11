-- theme_prevalence_by_group: per group and theme, how many interviewed applicants show the theme
-- (score >= 3 at their latest hiring interview in that program and year) and how many do not.
-- An applicant counts once per program and year. Aggregates only: no person-level column.
-- params: $program_ids (list of program ids to include), $year_from, $year_to (interview years,
-- inclusive), $date_from, $date_to (interview dates, inclusive), $dimension ('site', 'program',
-- 'year' or 'outcome': what one group is; 'outcome' = hired or not hired, by the application of
-- the applicant's latest hiring interview).
with latest as (
    select
        s.person_id,
        s.program_id,
        year(s.interview_date) as interview_year,
        s.theme,
        arg_max(s.score, s.interview_date) as score,
        arg_max(s.application_id, s.interview_date) as application_id,
    from interview_theme_scores as s
    where
        s.purpose = 'hiring'
        and s.score is not null
        and list_contains($program_ids, s.program_id)
        and year(s.interview_date) between $year_from and $year_to
        and s.interview_date between $date_from and $date_to
    group by s.person_id, s.program_id, year(s.interview_date), s.theme
),

grouped as (
    select
        case $dimension
            when 'site' then coalesce(si.site_name, p.site_id)
            when 'program' then p.program_name
            when 'outcome' then if(a.status = 'hired', 'hired', 'not hired')
            else cast(l.interview_year as varchar)
        end as group_label,
        l.theme,
        l.score >= 3 as shows,
    from latest as l
    inner join programs as p on p.program_id = l.program_id
    left join sites as si on si.site_id = p.site_id
    left join applications as a on a.application_id = l.application_id
)

select
    group_label,
    theme,
    count(*) filter (where shows) as showing,
    count(*) filter (where not shows) as not_showing,
from grouped
group by group_label, theme
order by group_label, theme
