CREATE TABLE "applications" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"role" text,
	"mode" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_hash" text,
	"scope" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "applications_client_id_unique" UNIQUE("client_id"),
	CONSTRAINT "applications_kind_check" CHECK ("applications"."kind" in ('integration', 'sales_channel')),
	CONSTRAINT "applications_mode_check" CHECK ("applications"."mode" in ('test', 'live')),
	CONSTRAINT "applications_role_check" CHECK (("applications"."kind" = 'integration' and "applications"."role" in ('admin', 'read_only')) or ("applications"."kind" = 'sales_channel' and "applications"."role" is null)),
	CONSTRAINT "applications_secret_check" CHECK ("applications"."kind" = 'sales_channel' or "applications"."client_secret_hash" is not null)
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_models" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"strategy" text DEFAULT 'no_split' NOT NULL,
	"stock_locations_cutoff" integer DEFAULT 2 NOT NULL,
	"stock_reservation_cutoff" integer DEFAULT 3600 NOT NULL,
	"put_stock_transfers_on_hold" boolean DEFAULT false NOT NULL,
	"manual_stock_decrement" boolean DEFAULT false NOT NULL,
	CONSTRAINT "inventory_models_strategy_check" CHECK ("inventory_models"."strategy" in ('no_split', 'split_shipments', 'split_by_line_items', 'ship_from_primary', 'ship_from_first_available_or_primary')),
	CONSTRAINT "inventory_models_cutoff_check" CHECK ("inventory_models"."stock_locations_cutoff" between 1 and 10),
	CONSTRAINT "inventory_models_reservation_cutoff_check" CHECK ("inventory_models"."stock_reservation_cutoff" > 0)
);
--> statement-breakpoint
CREATE INDEX "inventory_models_mode_created_idx" ON "inventory_models" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "inventory_models_mode_name_idx" ON "inventory_models" USING btree ("mode","name");