-- 006 (PLACEHOLDER on branch `compact`): stands in for the lead's migration 006 (append-only raw rows with a
-- `source` key column), so that 007 follows without a gap. At merge the lead's 006 replaces this file.
ALTER TABLE kubepulse."node_metric" ADD COLUMN IF NOT EXISTS "source" "char" NOT NULL DEFAULT 's';
