-- interview_scores_for_application: per hiring interview of one application (in the given
-- programs) and per theme rated or agreed there: raters, mean rating, consensus, the score
-- used, and the disagreement and pending flags (from the view interview_theme_scores).
-- params: $application_id, $program_ids (list of program ids the reader may see)
select
    s.interview_id,
    s.interview_date,
    s.theme,
    s.n_raters,
    s.mean_rating,
    s.consensus_score,
    s.consensus_source,
    s.score,
    s.disagreement,
    s.pending,
from interview_theme_scores as s
inner join applications as a on a.application_id = s.application_id
where
    s.application_id = $application_id
    and s.purpose = 'hiring'
    and list_contains($program_ids, a.program_id)
order by s.interview_date, s.interview_id, s.theme
