CREATE INDEX "doc_activity_hours_user_idx" ON "doc_activity_hours" USING btree ("user_id");--> statement-breakpoint
-- Edits made before the hourly record existed: each person's whole count in the hour of their last edit, so the
-- evaluation's co-creation figures (which read only this table) still count them.
INSERT INTO "doc_activity_hours" ("document_id", "user_id", "hour", "updates")
SELECT c."document_id", c."user_id", date_trunc('hour', c."last_edit_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', c."updates"
FROM "doc_contributions" c
WHERE NOT EXISTS (SELECT 1 FROM "doc_activity_hours" h WHERE h."document_id" = c."document_id" AND h."user_id" = c."user_id")
ON CONFLICT DO NOTHING;
