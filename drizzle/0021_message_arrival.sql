-- Arrival order breaks ties among messages sharing one of Meta's whole-second timestamps. Existing rows get
-- their arrival in the table's physical order (the rewrite numbers them as it scans), close to insert order.
ALTER TABLE "messages" ADD COLUMN "arrival" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "messages_arrival_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
-- The new thread index is built before the old one goes, so thread pages never lose their index.
CREATE INDEX "messages_conversation_ts_arrival_idx" ON "messages" USING btree ("conversation_id","timestamp" desc,"arrival" desc);--> statement-breakpoint
DROP INDEX "messages_conversation_ts_idx";
