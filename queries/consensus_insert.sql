-- consensus_insert: record the consensus score a panel agreed in Vocation (app-owned; an import
-- never touches it). The latest recorded row per interview and theme is the one that counts.
-- params: $interview_id, $theme, $score, $note, $recorded_by
insert into app_consensus (interview_id, theme, score, note, recorded_by, recorded_at)
values ($interview_id, $theme, $score, $note, $recorded_by, cast(now() as timestamp))
