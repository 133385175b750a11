-- applications_for_search_text: the applications of the given programs whose application id,
-- person id or (when $match_names) applicant's name contains $text, case-insensitive ('' matches
-- every one), with the latest decision; newest application first.
-- params: $text, $match_names (boolean), $program_ids (list of program ids the reader may see)
with latest_decision as (
    select
        application_id,
        decision,
    from app_decisions
    qualify row_number() over (partition by application_id order by decided_at desc, decision_id desc) = 1
)

select
    a.application_id,
    a.person_id,
    p.full_name,
    a.program_id,
    pr.program_name,
    a.position,
    a.applied_on,
    a.stage,
    a.status,
    d.decision,
from applications as a
inner join people as p on p.person_id = a.person_id
left join programs as pr on pr.program_id = a.program_id
left join latest_decision as d on d.application_id = a.application_id
where
    list_contains($program_ids, a.program_id)
    and (
        contains(lower(a.application_id), lower($text))
        or contains(lower(a.person_id), lower($text))
        or ($match_names and contains(lower(p.full_name), lower($text)))
    )
order by a.applied_on desc, a.application_id
