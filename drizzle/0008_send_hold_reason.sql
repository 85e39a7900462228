ALTER TABLE "outbound_sends" ADD COLUMN "hold_reason" text;--> statement-breakpoint
-- Rows held before this column existed were held by a number pause.
UPDATE "outbound_sends" SET "hold_reason" = 'number' WHERE "state" = 'held';
