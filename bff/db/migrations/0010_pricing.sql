CREATE TYPE "public"."price_table_kind" AS ENUM('sell', 'cost');--> statement-breakpoint
CREATE TYPE "public"."subscription_event_kind" AS ENUM('started', 'ips_changed', 'ips_decrease_scheduled', 'ips_decrease_cancelled', 'cancelled', 'reactivated');--> statement-breakpoint
CREATE TABLE "price_tables" (
	"tenant_id" uuid NOT NULL,
	"kind" "price_table_kind" NOT NULL,
	"currency" text NOT NULL,
	"article_name" text NOT NULL,
	"article_number" text NOT NULL,
	"tiers" jsonb NOT NULL,
	"prepaid_discount_bps" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "price_tables_tenant_id_kind_pk" PRIMARY KEY("tenant_id","kind")
);
--> statement-breakpoint
CREATE TABLE "project_keys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"ip_count" integer NOT NULL,
	"runtime_months" integer NOT NULL,
	"currency" text NOT NULL,
	"purchase_price_minor" bigint NOT NULL,
	"selling_price_minor" bigint,
	"customer_id" uuid,
	"redeemed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"redeemed_by" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "project_keys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "subscription_events" (
	"tenant_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"subscription_id" uuid NOT NULL,
	"kind" "subscription_event_kind" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ips_internal" integer,
	"ips_external" integer,
	"effective_at" timestamp with time zone,
	"ref" text,
	"actor_id" uuid,
	CONSTRAINT "subscription_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "pending_ips_internal" integer;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "pending_ips_external" integer;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "pending_effective_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "price_tables" ADD CONSTRAINT "price_tables_tenant_id_orgs_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_keys" ADD CONSTRAINT "project_keys_tenant_id_orgs_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_events" ADD CONSTRAINT "subscription_events_tenant_id_orgs_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "project_keys_tenant_code_key" ON "project_keys" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "subscription_events_tenant_subscription_at_idx" ON "subscription_events" USING btree ("tenant_id","subscription_id","at");