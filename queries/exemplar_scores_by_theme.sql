-- exemplar_scores_by_theme: one row per staff member with an annual assessment and theme: their
-- latest annual score and whether two or more distinct peers named them (an exemplar). No person
-- id leaves this query; the rows are summarised before any page sees them.
-- params: $program_ids (list of program ids: staff of these programs).
with staff_in_scope as (
    select distinct person_id,
    from staff
    where list_contains($program_ids, program_id)
),

nominated as (
    select
        nominee_id as person_id,
        count(distinct nominator_id) as nominators,
    from peer_nominations
    where nominator_id <> nominee_id
    group by nominee_id
),

latest as (
    select
        s.person_id,
        s.theme,
        arg_max(s.score, s.interview_date) as score,
    from interview_theme_scores as s
    inner join staff_in_scope as f on f.person_id = s.person_id
    where s.purpose = 'annual' and s.score is not null
    group by s.person_id, s.theme
)

select
    coalesce(n.nominators, 0) >= 2 as is_exemplar,
    l.theme,
    l.score,
from latest as l
left join nominated as n on n.person_id = l.person_id
order by l.theme, is_exemplar
