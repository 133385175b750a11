-- consensus_in_force_for_programs: the consensus in force for each interview theme in the given programs
-- (from the shared view effective_consensus), saying which source is used and why; latest first.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule),
-- $limit and $offset (one page
-- of rows; a null $limit reads them all)
select
    c.interview_id,
    c.theme,
    i.interview_date,
    c.score,
    c.source,
    c.used_because,
    c.imported_score,
    c.imported_on,
    c.recorded_score,
    c.recorded_at,
    c.recorded_by,
    c.recorded_note,
from effective_consensus as c
inner join interviews as i on i.interview_id = c.interview_id
where list_contains($program_ids, i.program_id) and not list_contains($hidden_person_ids, i.person_id)
order by c.recorded_at desc nulls last, c.imported_on desc nulls last, c.interview_id, c.theme
limit $limit
offset $offset
