CREATE TABLE "job_watermarks" (
	"key" text PRIMARY KEY NOT NULL,
	"value" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_volume_daily" (
	"day" date NOT NULL,
	"phone_number_id" uuid NOT NULL,
	"team_id" uuid NOT NULL,
	"source" text NOT NULL,
	"direction" text NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "message_volume_daily_day_phone_number_id_team_id_source_direction_pk" PRIMARY KEY("day","phone_number_id","team_id","source","direction")
);
--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "first_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD COLUMN "sla_breached" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at");--> statement-breakpoint
UPDATE "conversation_cycles" y SET "first_assigned_at" = coalesce(c."assigned_at", y."started_at")
  FROM "conversations" c WHERE c."id" = y."conversation_id" AND y."assignee_id" IS NOT NULL;
