-- interviews_by_person: every interview of one person in the given programs, newest first,
-- with how many raters scored it and how many themes were rated or agreed.
-- params: $person_id, $program_ids (list of program ids the reader may see)
with counts as (
    select
        interview_id,
        count(distinct rater_id) as raters,
        count(distinct theme) as themes_rated,
    from ratings
    group by interview_id
)

select
    i.interview_id,
    i.interview_date,
    i.purpose,
    i.program_id,
    i.application_id,
    coalesce(c.raters, 0) as raters,
    coalesce(c.themes_rated, 0) as themes_rated,
from interviews as i
left join counts as c on c.interview_id = i.interview_id
where i.person_id = $person_id and list_contains($program_ids, i.program_id)
order by i.interview_date desc, i.interview_id
