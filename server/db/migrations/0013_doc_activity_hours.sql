CREATE TABLE "doc_activity_hours" (
	"document_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"updates" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "doc_activity_hours_document_id_user_id_hour_pk" PRIMARY KEY("document_id","user_id","hour")
);
--> statement-breakpoint
ALTER TABLE "doc_activity_hours" ADD CONSTRAINT "doc_activity_hours_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_activity_hours" ADD CONSTRAINT "doc_activity_hours_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "doc_activity_hours_hour_idx" ON "doc_activity_hours" USING btree ("hour");