CREATE TYPE "public"."credit_style" AS ENUM('name', 'initials', 'anonymous');--> statement-breakpoint
CREATE TYPE "public"."exhibition_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."work_decision" AS ENUM('pending', 'granted', 'declined', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."work_status" AS ENUM('pending', 'approved', 'rejected', 'retracted');--> statement-breakpoint
CREATE TABLE "exhibition_works" (
	"exhibition_id" uuid NOT NULL,
	"work_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "exhibition_works_exhibition_id_work_id_pk" PRIMARY KEY("exhibition_id","work_id")
);
--> statement-breakpoint
CREATE TABLE "exhibitions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"introduction" text NOT NULL,
	"lang" text NOT NULL,
	"status" "exhibition_status" DEFAULT 'draft' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "work_contributors" (
	"work_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"decision" "work_decision" DEFAULT 'pending' NOT NULL,
	"decided_at" timestamp with time zone,
	"credit" "credit_style" DEFAULT 'initials' NOT NULL,
	"show_country" boolean DEFAULT false NOT NULL,
	"guardian_required" boolean NOT NULL,
	"guardian_decision" "work_decision" DEFAULT 'pending' NOT NULL,
	"guardian_decided_at" timestamp with time zone,
	"guardian_credit" "credit_style" DEFAULT 'anonymous' NOT NULL,
	"guardian_show_country" boolean DEFAULT false NOT NULL,
	"edits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "work_contributors_work_id_user_id_pk" PRIMARY KEY("work_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "works" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"document_id" uuid,
	"version_id" uuid,
	"kind" "document_kind" NOT NULL,
	"state" "bytea" NOT NULL,
	"version_at" timestamp with time zone NOT NULL,
	"contributor_count" integer NOT NULL,
	"title" text NOT NULL,
	"statement" text NOT NULL,
	"alt_text" text NOT NULL,
	"lang" text NOT NULL,
	"status" "work_status" DEFAULT 'pending' NOT NULL,
	"proposed_by" uuid,
	"proposed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reviewed_by" uuid,
	"reviewed_at" timestamp with time zone,
	"review_note" text,
	"withdrawn_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "exhibition_works" ADD CONSTRAINT "exhibition_works_exhibition_id_exhibitions_id_fk" FOREIGN KEY ("exhibition_id") REFERENCES "public"."exhibitions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exhibition_works" ADD CONSTRAINT "exhibition_works_work_id_works_id_fk" FOREIGN KEY ("work_id") REFERENCES "public"."works"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exhibitions" ADD CONSTRAINT "exhibitions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_contributors" ADD CONSTRAINT "work_contributors_work_id_works_id_fk" FOREIGN KEY ("work_id") REFERENCES "public"."works"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "work_contributors" ADD CONSTRAINT "work_contributors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "works" ADD CONSTRAINT "works_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "works" ADD CONSTRAINT "works_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "works" ADD CONSTRAINT "works_version_id_doc_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."doc_versions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "works" ADD CONSTRAINT "works_proposed_by_users_id_fk" FOREIGN KEY ("proposed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "works" ADD CONSTRAINT "works_reviewed_by_users_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exhibition_works_work_idx" ON "exhibition_works" USING btree ("work_id");--> statement-breakpoint
CREATE UNIQUE INDEX "exhibitions_slug_key" ON "exhibitions" USING btree (lower("slug"));--> statement-breakpoint
CREATE INDEX "work_contributors_user_idx" ON "work_contributors" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "works_space_idx" ON "works" USING btree ("space_id");--> statement-breakpoint
CREATE INDEX "works_status_idx" ON "works" USING btree ("status");