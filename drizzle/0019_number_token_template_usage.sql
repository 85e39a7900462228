ALTER TABLE "phone_numbers" ADD COLUMN "access_token_sealed" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "access_token_set_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_template_idx" ON "messages" USING btree (("content"->>'template_id')) WHERE "messages"."type" = 'template';