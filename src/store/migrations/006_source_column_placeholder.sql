-- 006 (PLACEHOLDER on branch `compact`): stands in for the lead's migration 006 (append-only raw rows with a
-- `source` key column), so that 007 follows without a gap. At merge the lead's 006 replaces this file.
-- Nullable here only because this branch's writer still merges through a staging table created LIKE the
-- raw table (which copies NOT NULL but not the default); the lead's 006 has it NOT NULL DEFAULT 's'.
ALTER TABLE kubepulse."node_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."system_container_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."pod_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."container_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."volume_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."interface_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
ALTER TABLE kubepulse."disk_io_metric" ADD COLUMN IF NOT EXISTS "source" "char" DEFAULT 's';
