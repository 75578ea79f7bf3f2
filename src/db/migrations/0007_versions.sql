CREATE TABLE "versions" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"event" text NOT NULL,
	"changes" jsonb NOT NULL,
	"who" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "versions_resource_idx" ON "versions" USING btree ("resource_id","created_at");--> statement-breakpoint
CREATE INDEX "versions_mode_created_idx" ON "versions" USING btree ("mode","created_at","id");