-- Issue 9: what each export's columns became. One JSON document per ingest: every source column
-- or path with the field it fed and why (alias, override, inferred from values) or "not used",
-- per field how many jobs got it, and the file-level warnings (no id or URL anywhere, ...).
ALTER TABLE ingests ADD COLUMN IF NOT EXISTS mapping jsonb;
