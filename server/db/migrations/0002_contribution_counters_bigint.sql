ALTER TABLE "doc_contributions" ALTER COLUMN "updates" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "doc_contributions" ALTER COLUMN "chars" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "doc_contributions" ALTER COLUMN "shapes" SET DATA TYPE bigint;