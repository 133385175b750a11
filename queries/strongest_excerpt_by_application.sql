-- strongest_excerpt_by_application: for each of the given applications (in the given programs)
-- and each theme, the strongest supporting excerpt from its hiring interviews: the text coded
-- by the most raters, then the longest, then the most recent.
-- params: $application_ids (list), $program_ids (list of program ids the reader may see)
with coded as (
    select
        i.application_id,
        e.theme,
        e.text,
        count(distinct e.rater_id) as raters,
        max(i.interview_date) as interview_date,
    from excerpts as e
    inner join interviews as i on i.interview_id = e.interview_id
    inner join applications as a on a.application_id = i.application_id
    where
        e.stance = 'supports'
        and i.purpose = 'hiring'
        and list_contains($application_ids, i.application_id)
        and list_contains($program_ids, a.program_id)
    group by i.application_id, e.theme, e.text
)

select
    application_id,
    theme,
    text,
    raters,
    interview_date,
from coded
qualify row_number() over (
    partition by application_id, theme
    order by raters desc, length(text) desc, interview_date desc, text
) = 1
order by application_id, theme
