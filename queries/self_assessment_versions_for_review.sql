-- self_assessment_versions_for_review: every saved state of one trainee's self-assessment of one
-- review (version 0 = draft, 1 = first submission, 2+ = amendments), oldest first.
-- params: $interview_id, $person_id
select
    self_assessment_id,
    interview_id,
    person_id,
    version,
    reason,
    saved_by,
    saved_at,
from app_self_assessments
where interview_id = $interview_id and person_id = $person_id
order by version
