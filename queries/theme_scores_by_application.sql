-- theme_scores_by_application: one row per given application (in the given programs) and per
-- theme. The score is the one from the latest hiring interview of the application that scored the
-- theme (consensus where it exists, else the mean of the independent ratings, from
-- interview_theme_scores); score is null when no interview of the application probed the theme.
-- params: $application_ids (list), $program_ids (list of program ids the reader may see)
with apps as (
    select
        application_id,
    from applications
    where
        list_contains($application_ids, application_id)
        and list_contains($program_ids, program_id)
),

latest as (
    select
        s.application_id,
        s.theme,
        s.interview_id,
        s.interview_date,
        s.n_raters,
        s.mean_rating,
        s.min_rating,
        s.max_rating,
        s.consensus_score,
        s.score,
        s.disagreement,
        s.pending,
    from interview_theme_scores as s
    inner join apps as a on a.application_id = s.application_id
    where s.purpose = 'hiring'
    qualify row_number() over (
        partition by s.application_id, s.theme
        order by s.interview_date desc, s.interview_id desc
    ) = 1
)

select
    a.application_id,
    t.code as theme,
    l.interview_id,
    l.interview_date,
    l.n_raters,
    l.mean_rating,
    l.min_rating,
    l.max_rating,
    l.consensus_score,
    l.score,
    coalesce(l.disagreement, false) as disagreement,
    coalesce(l.pending, false) as pending,
from apps as a
cross join themes as t
left join latest as l on l.application_id = a.application_id and l.theme = t.code
order by a.application_id, t.code
