-- validation_applicant_scores: one row per applicant to the given programs whose hiring interviews
-- scored at least one theme: the six theme scores as Screening shows them (application_scores), of
-- the applicant's latest such application. The applicant pool of the validation study (its SD is
-- the denominator of u; its groups are compared by Cohen's d). Person ids stay inside the data
-- functions.
-- params: $program_ids (list of program ids)
select
    person_id,
    program_id,
    balance,
    adaptiveness,
    transcendence,
    learning,
    fit,
    beliefs,
from application_scores
where
    list_contains($program_ids, program_id)
    and coalesce(balance, adaptiveness, transcendence, learning, fit, beliefs) is not null
qualify row_number() over (partition by person_id order by applied_on desc, application_id desc) = 1
order by person_id
