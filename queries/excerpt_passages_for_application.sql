-- excerpt_passages_for_application: for each excerpt of one application's hiring interviews (in
-- the given programs) that came from a coded project, the transcript around it: up to
-- $context_chars characters before and after, and the transcript's text at its position.
-- params: $application_id, $program_ids (list of program ids the reader may see), $context_chars
with positioned as (
    select
        a.person_id,
        e.excerpt_id,
        e.theme,
        e.stance,
        e.text as excerpt_text,
        t.source_name,
        t.text as transcript,
        p.start_pos,
        p.end_pos,
        greatest(p.start_pos - $context_chars, 0) as window_start,
    from excerpts as e
    inner join interviews as i on i.interview_id = e.interview_id
    inner join applications as a on a.application_id = i.application_id
    inner join excerpt_positions as p on p.excerpt_id = e.excerpt_id
    inner join transcripts as t on t.transcript_id = p.transcript_id and t.interview_id = e.interview_id
    where
        i.application_id = $application_id
        and i.purpose = 'hiring'
        and list_contains($program_ids, a.program_id)
),

final as (
    select
        person_id,
        excerpt_id,
        theme,
        stance,
        excerpt_text,
        source_name,
        window_start = 0 as at_start,
        end_pos + $context_chars >= length(transcript) as at_end,
        -- substring counts characters from 1
        substring(transcript, window_start + 1, start_pos - window_start) as before,
        substring(transcript, start_pos + 1, end_pos - start_pos) as selected,
        substring(transcript, end_pos + 1, $context_chars) as after,
    from positioned
)

select *
from final
order by theme, excerpt_id
