-- rating_patterns_by_theme: per theme and quarter of the interview date, each pattern of
-- independent scores an interview received (how many raters gave 0, 1, 2, 3 and 4) with the
-- number of interviews showing it. Krippendorff's alpha and pooled agreement need no more.
-- Reads the materialized rating_patterns (per program, from each rater's independent rating: a
-- Vocation scorecard's first submission; see schema.sql) and sums the programs. For a reader with
-- people hidden by the blind rule, Reliability reads rating_patterns_by_theme_blind instead.
-- params: $program_ids (list of program ids the reader may see)
select
    theme,
    quarter,
    n_0,
    n_1,
    n_2,
    n_3,
    n_4,
    sum(n_units)::bigint as n_units,
from rating_patterns
where list_contains($program_ids, program_id)
group by theme, quarter, n_0, n_1, n_2, n_3, n_4
order by theme, quarter, n_0, n_1, n_2, n_3, n_4
