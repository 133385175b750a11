-- trainee_excerpts_for_interview: the excerpts raters took from one trainee assessment
-- (intake, midpoint, exit, annual) held in one of the reader's programs.
-- params: $interview_id, $program_ids (list of program ids the reader may see)
select
    x.excerpt_id,
    x.interview_id,
    i.interview_date,
    i.purpose,
    x.theme,
    x.subtheme,
    x.stance,
    x.text,
from excerpts as x
inner join interviews as i on i.interview_id = x.interview_id
where
    x.interview_id = $interview_id
    and i.purpose in ('intake', 'midpoint', 'exit', 'annual')
    and list_contains($program_ids, i.program_id)
order by x.theme, x.stance desc, x.excerpt_id
