-- interviews_for_person: every interview of one person in the given programs, newest first,
-- with how many raters scored it and how many themes were rated or agreed.
-- params: $person_id, $program_ids (list of program ids the reader may see)
with theirs as (
    select
        interview_id,
        interview_date,
        purpose,
        program_id,
        application_id,
    from interviews
    where person_id = $person_id and list_contains($program_ids, program_id)
),

counts as (
    select
        r.interview_id,
        count(distinct r.rater_id) as raters,
        count(distinct r.theme) as themes_rated,
    from ratings as r
    inner join theirs as i on i.interview_id = r.interview_id
    group by r.interview_id
)

select
    i.interview_id,
    i.interview_date,
    i.purpose,
    i.program_id,
    i.application_id,
    coalesce(c.raters, 0) as raters,
    coalesce(c.themes_rated, 0) as themes_rated,
from theirs as i
left join counts as c on c.interview_id = i.interview_id
order by i.interview_date desc, i.interview_id
