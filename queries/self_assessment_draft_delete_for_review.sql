-- self_assessment_draft_delete_for_review: remove the trainee's draft (version 0) of one review's
-- self-assessment, its scores first.
-- params: $interview_id, $person_id
delete from app_self_assessment_scores
where self_assessment_id in (
    select self_assessment_id
    from app_self_assessments
    where interview_id = $interview_id and person_id = $person_id and version = 0
);
delete from app_self_assessments
where interview_id = $interview_id and person_id = $person_id and version = 0
