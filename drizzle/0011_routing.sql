CREATE TYPE "public"."assignment_policy" AS ENUM('manual', 'round_robin', 'least_loaded');--> statement-breakpoint
CREATE TYPE "public"."availability" AS ENUM('online', 'away', 'busy', 'offline');--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "capacity" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "team_members" ADD COLUMN "last_assigned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "assignment_policy" "assignment_policy" DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "availability" "availability" DEFAULT 'offline' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "availability_changed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "conversations_queue_idx" ON "conversations" USING btree ("team_id","priority","waiting_since") WHERE "conversations"."status" = 'open' and "conversations"."assignee_id" is null;