CREATE TABLE "price_table_versions" (
	"tenant_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"kind" "price_table_kind" NOT NULL,
	"currency" text NOT NULL,
	"article_name" text NOT NULL,
	"article_number" text NOT NULL,
	"tiers" jsonb NOT NULL,
	"prepaid_discount_bps" integer DEFAULT 0 NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"created_by" uuid,
	CONSTRAINT "price_table_versions_tenant_id_version_kind_pk" PRIMARY KEY("tenant_id","version","kind")
);
--> statement-breakpoint
ALTER TABLE "price_table_versions" ADD CONSTRAINT "price_table_versions_tenant_id_orgs_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;