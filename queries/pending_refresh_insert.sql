-- pending_refresh_insert: note that an interview's materialized rows are to be refreshed once the
-- import writing meanwhile has ended (inside the small write's own transaction).
-- params: $interview_id
insert into app_pending_refresh (interview_id, queued_at)
values ($interview_id, now())
