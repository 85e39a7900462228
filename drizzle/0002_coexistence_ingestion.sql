CREATE TYPE "public"."contact_alias_kind" AS ENUM('bsuid', 'parent_bsuid', 'phone');--> statement-breakpoint
CREATE TYPE "public"."status_name" AS ENUM('sent', 'delivered', 'read', 'played', 'failed');--> statement-breakpoint
CREATE TYPE "public"."coexistence_state" AS ENUM('active', 'partner_removed', 'offboarded');--> statement-breakpoint
CREATE TYPE "public"."history_import_state" AS ENUM('not_started', 'importing', 'complete', 'declined');--> statement-breakpoint
CREATE TABLE "contact_aliases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contact_id" uuid NOT NULL,
	"waba_id" text NOT NULL,
	"kind" "contact_alias_kind" NOT NULL,
	"value" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" uuid NOT NULL,
	"type" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"data" jsonb,
	"at" timestamp with time zone NOT NULL,
	"dedupe_key" text
);
--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"target_wamid" text NOT NULL,
	"reactor" text NOT NULL,
	"emoji" text NOT NULL,
	"wamid" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	CONSTRAINT "message_reactions_target_wamid_reactor_pk" PRIMARY KEY("target_wamid","reactor")
);
--> statement-breakpoint
CREATE TABLE "message_revisions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "message_revisions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"target_wamid" text NOT NULL,
	"change_wamid" text NOT NULL,
	"kind" text NOT NULL,
	"by" text NOT NULL,
	"previous_text" text,
	"previous_content" jsonb,
	"next_text" text,
	"next_content" jsonb,
	"changed_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_statuses" (
	"wamid" text NOT NULL,
	"status" "status_name" NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"error" jsonb,
	"pricing" jsonb,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_statuses_wamid_status_pk" PRIMARY KEY("wamid","status")
);
--> statement-breakpoint
CREATE TABLE "admin_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"phone_number_id" uuid,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"data" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"waba_id" text NOT NULL,
	"template_id" text NOT NULL,
	"name" text,
	"language" text,
	"status" text,
	"category" text,
	"quality" text,
	"reason" text,
	"components" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "address_book_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "marketing_preference" text;--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "marketing_preference_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "owner_active_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "coexistence_state" "coexistence_state" DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "coexistence_reason" text;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "coexistence_changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "last_app_activity_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "history_state" "history_import_state" DEFAULT 'not_started' NOT NULL;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "history_phase" integer;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "history_progress" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "history_counts" jsonb;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "history_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN "contact_sync_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "contact_aliases" ADD CONSTRAINT "contact_aliases_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_events" ADD CONSTRAINT "conversation_events_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_alerts" ADD CONSTRAINT "admin_alerts_phone_number_id_phone_numbers_id_fk" FOREIGN KEY ("phone_number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contact_aliases_waba_kind_value_uq" ON "contact_aliases" USING btree ("waba_id","kind","value");--> statement-breakpoint
CREATE INDEX "contact_aliases_contact_idx" ON "contact_aliases" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "conversation_events_conversation_at_idx" ON "conversation_events" USING btree ("conversation_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_events_dedupe_uq" ON "conversation_events" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "message_revisions_change_wamid_uq" ON "message_revisions" USING btree ("change_wamid");--> statement-breakpoint
CREATE INDEX "message_revisions_target_idx" ON "message_revisions" USING btree ("target_wamid");--> statement-breakpoint
CREATE UNIQUE INDEX "templates_waba_template_uq" ON "templates" USING btree ("waba_id","template_id");