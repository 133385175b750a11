-- panel_seat_insert: seat a rater on an interview's panel (or seat a recused rater again).
-- params: $interview_id, $rater_id, $added_by
insert into app_panel_seats (interview_id, rater_id, status, added_by, added_at)
values ($interview_id, $rater_id, 'seated', $added_by, now())
on conflict (interview_id, rater_id) do update set
    status = 'seated',
    added_by = excluded.added_by,
    added_at = excluded.added_at,
    conflict_checked_at = null,
    recusal_reason = null
