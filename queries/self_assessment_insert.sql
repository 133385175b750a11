-- self_assessment_insert: save one state of a trainee's self-assessment of one review (version 0
-- draft, 1 first submission, 2+ amendment) and return its id.
-- params: $interview_id, $person_id, $version, $reason, $saved_by
insert into app_self_assessments (interview_id, person_id, version, reason, saved_by, saved_at)
values ($interview_id, $person_id, $version, $reason, $saved_by, now())
returning self_assessment_id
