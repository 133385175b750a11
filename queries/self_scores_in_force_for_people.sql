-- self_scores_in_force_for_people: every theme of each submitted self-assessment in force (the
-- latest submitted version: the first submission or its latest amendment) of these people, on
-- reviews held in the given programs.
-- params: $person_ids (list), $program_ids (list of program ids the reader may see)
with latest as (
    select
        interview_id,
        person_id,
        max(version) as version,
    from app_self_assessments
    where version >= 1 and list_contains($person_ids, person_id)
    group by interview_id, person_id
)

select
    a.person_id,
    a.interview_id,
    i.purpose,
    i.interview_date,
    s.theme,
    s.score as self_score,
    s.example,
    a.version,
from app_self_assessments as a
inner join latest as l
    on l.interview_id = a.interview_id and l.person_id = a.person_id and l.version = a.version
inner join app_self_assessment_scores as s on s.self_assessment_id = a.self_assessment_id
inner join interviews as i on i.interview_id = a.interview_id and i.person_id = a.person_id
where list_contains($program_ids, i.program_id)
order by a.person_id, i.interview_date, a.interview_id, s.theme
