-- panel_seat_recuse: the rater leaves the panel for a conflict of interest, with the reason.
-- params: $interview_id, $rater_id, $reason
update app_panel_seats
set status = 'recused', conflict_checked_at = now(), recusal_reason = $reason
where interview_id = $interview_id and rater_id = $rater_id
