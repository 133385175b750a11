-- panel_seat_confirm: the rater confirms no dual relationship with the person interviewed.
-- params: $interview_id, $rater_id
update app_panel_seats
set status = 'confirmed', conflict_checked_at = now()
where interview_id = $interview_id and rater_id = $rater_id and status = 'seated'
