ALTER TYPE "public"."review_status" ADD VALUE 'blocked';--> statement-breakpoint
CREATE TABLE "guardian_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"guardian_consent_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "had_minor" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "guardian_links" ADD CONSTRAINT "guardian_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guardian_links" ADD CONSTRAINT "guardian_links_guardian_consent_id_guardian_consents_id_fk" FOREIGN KEY ("guardian_consent_id") REFERENCES "public"."guardian_consents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "guardian_links_token_key" ON "guardian_links" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "guardian_links_live_key" ON "guardian_links" USING btree ("user_id") WHERE "guardian_links"."revoked_at" is null;--> statement-breakpoint
CREATE FUNCTION "space_members_mark_minor"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- A space that has had a minor keeps its content for review after the minor leaves or turns 18 (spaces.had_minor).
	UPDATE "spaces" SET "had_minor" = true
	WHERE "id" = NEW."space_id" AND NOT "had_minor"
		AND EXISTS (
			SELECT 1 FROM "profiles" p
			WHERE p."user_id" = NEW."user_id"
				AND p."birth_date" > current_date - make_interval(years => coalesce((SELECT "minor_age" FROM "program_policy" WHERE "id" = 1), 18)::int)
		);
	RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "space_members_had_minor" AFTER INSERT ON "space_members" FOR EACH ROW EXECUTE FUNCTION "space_members_mark_minor"();--> statement-breakpoint
-- What can still be known of the past: a member who was a minor when they joined, or a message written by a minor.
UPDATE "spaces" s SET "had_minor" = true
WHERE EXISTS (
		SELECT 1 FROM "space_members" m JOIN "profiles" p ON p."user_id" = m."user_id"
		WHERE m."space_id" = s."id"
			AND p."birth_date" > m."joined_at"::date - make_interval(years => coalesce((SELECT "minor_age" FROM "program_policy" WHERE "id" = 1), 18)::int)
	)
	OR EXISTS (
		SELECT 1 FROM "chat_messages" c JOIN "profiles" p ON p."user_id" = c."author_id"
		WHERE c."space_id" = s."id"
			AND p."birth_date" > c."created_at"::date - make_interval(years => coalesce((SELECT "minor_age" FROM "program_policy" WHERE "id" = 1), 18)::int)
	);--> statement-breakpoint
CREATE OR REPLACE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- The audit log is append-only. The one change allowed is the foreign key's own ON DELETE SET NULL when an
	-- actor's account row is removed (the purge after the retention period): the entry stays, without the person.
	-- It is told apart from an UPDATE the application could write by two things the application cannot fake: it
	-- runs inside another trigger (the foreign key's), and the user row it names no longer exists.
	IF TG_OP = 'UPDATE'
		AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
		AND pg_trigger_depth() > 1
		AND NOT EXISTS (SELECT 1 FROM "users" WHERE "id" = OLD.actor_id)
		AND NEW.id = OLD.id AND NEW.action = OLD.action AND NEW.target_type = OLD.target_type
		AND NEW.target_id = OLD.target_id AND NEW.detail IS NOT DISTINCT FROM OLD.detail AND NEW.created_at = OLD.created_at THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
