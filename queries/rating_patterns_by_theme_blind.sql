-- rating_patterns_by_theme_blind: rating_patterns_by_theme worked out live, leaving out the people
-- the reader is blinded to (the blind rule; the materialized rating_patterns cannot): per theme and
-- quarter, each pattern of independent scores an interview received (rating_units) with the number
-- of interviews showing it.
-- params: $program_ids (list of program ids the reader may see), $hidden_person_ids (people whose ratings the reader may not see yet: the blind rule)
select
    theme,
    quarter,
    n_0,
    n_1,
    n_2,
    n_3,
    n_4,
    count(*) as n_units,
from rating_units
where list_contains($program_ids, program_id) and not list_contains($hidden_person_ids, person_id)
group by theme, quarter, n_0, n_1, n_2, n_3, n_4
order by theme, quarter, n_0, n_1, n_2, n_3, n_4
