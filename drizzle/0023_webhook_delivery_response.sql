ALTER TABLE "webhook_deliveries" ADD COLUMN "last_response_body" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "last_response_truncated" boolean DEFAULT false NOT NULL;