-- decision_insert: record a decision on an application (app-owned; an import never touches it).
-- params: $application_id, $decision (advance, hold, decline), $note, $decided_by
insert into app_decisions (application_id, decision, note, decided_by, decided_at)
values ($application_id, $decision, $note, $decided_by, now())
