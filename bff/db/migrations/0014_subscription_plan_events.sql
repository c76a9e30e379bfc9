ALTER TYPE "public"."subscription_event_kind" ADD VALUE 'converted_to_purchased';--> statement-breakpoint
ALTER TABLE "subscription_events" ADD COLUMN "plan" "plan";