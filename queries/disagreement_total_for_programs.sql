-- disagreement_total_for_programs: how many interview themes in the given programs have
-- independent scores 2 or more apart and no consensus in force (the disagreement queue's length).
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
select
    count(*) as n_items,
from interview_theme_scores
where
    pending
    and list_contains($program_ids, program_id)
    and not list_contains($hidden_person_ids, person_id)
