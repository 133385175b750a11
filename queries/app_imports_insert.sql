-- app_imports_insert: record one import (who, when, which files, rows inserted/updated/unchanged).
-- params: $at, $by, $files, $checksum, $inserted, $updated, $unchanged, $summary
insert into app_imports (imported_at, imported_by, files, checksum, inserted, updated, unchanged, summary)
values ($at, $by, $files, $checksum, $inserted, $updated, $unchanged, $summary)
