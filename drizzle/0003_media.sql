CREATE TYPE "public"."media_state" AS ENUM('pending', 'stored', 'unavailable', 'too_large');--> statement-breakpoint
CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" uuid NOT NULL,
	"meta_media_id" text NOT NULL,
	"mime_type" text,
	"sha256" text,
	"file_size" bigint,
	"filename" text,
	"storage_key" text,
	"state" "media_state" DEFAULT 'pending' NOT NULL,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stored_at" timestamp with time zone,
	CONSTRAINT "media_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_pending_idx" ON "media" USING btree ("created_at") WHERE "media"."state" = 'pending';