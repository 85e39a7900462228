ALTER TABLE "conversation_cycles" ADD COLUMN "csat_sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "csat_message_id" uuid;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "csat_skipped_reason" text;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "csat_score" smallint;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "csat_answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD CONSTRAINT "conversation_cycles_csat_score_ck" CHECK ("conversation_cycles"."csat_score" between 1 and 3);