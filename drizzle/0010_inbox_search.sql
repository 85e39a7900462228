-- Trigram matching for contact search (ships with Postgres' contrib; available on managed Postgres too).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin ((lower(coalesce("address_book_name", '') || ' ' || coalesce("profile_name", '') || ' ' || coalesce("username", '') || ' ' || coalesce("phone", '') || ' ' || coalesce("bsuid", ''))) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "conversations_waiting_idx" ON "conversations" USING btree ("waiting_since","id") WHERE "conversations"."waiting_since" is not null;--> statement-breakpoint
CREATE INDEX "messages_text_fts_idx" ON "messages" USING gin (to_tsvector('simple', coalesce("text", '')));--> statement-breakpoint
-- Conversations whose last customer message is still unanswered are waiting since then.
UPDATE "conversations" c SET "waiting_since" = c."last_inbound_at"
  WHERE c."status" IN ('open', 'bot') AND c."last_inbound_at" IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM "messages" m WHERE m."conversation_id" = c."id" AND m."direction" = 'outbound'
      AND m."source" IN ('agent', 'bot', 'business_app') AND m."timestamp" >= c."last_inbound_at");
