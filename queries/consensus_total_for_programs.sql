-- consensus_total_for_programs: how many interview themes in the given programs have a consensus
-- in force (the length of the consensus table).
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
select
    count(*) as n_items,
from effective_consensus as c
inner join interviews as i on i.interview_id = c.interview_id
where list_contains($program_ids, i.program_id) and not list_contains($hidden_person_ids, i.person_id)
