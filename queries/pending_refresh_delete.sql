-- pending_refresh_delete: forget the pending refreshes of these interviews (done in the same
-- transaction that refreshed them).
-- params: $interview_ids
delete from app_pending_refresh
where list_contains($interview_ids, interview_id)
