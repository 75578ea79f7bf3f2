CREATE TABLE "shipping_categories" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"code" text
);
--> statement-breakpoint
CREATE TABLE "skus" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"image_url" text,
	"pieces_per_pack" integer,
	"weight" double precision,
	"unit_of_weight" text,
	"hs_tariff_number" text,
	"do_not_ship" boolean DEFAULT false NOT NULL,
	"do_not_track" boolean DEFAULT false NOT NULL,
	"shipping_category_id" text,
	CONSTRAINT "skus_shipping_category_check" CHECK ("skus"."do_not_ship" or "skus"."shipping_category_id" is not null),
	CONSTRAINT "skus_unit_of_weight_check" CHECK ("skus"."unit_of_weight" is null or "skus"."unit_of_weight" in ('gr', 'oz', 'lb'))
);
--> statement-breakpoint
CREATE TABLE "addresses" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"business" boolean DEFAULT false NOT NULL,
	"first_name" text,
	"last_name" text,
	"company" text,
	"line_1" text NOT NULL,
	"line_2" text,
	"city" text NOT NULL,
	"zip_code" text,
	"state_code" text,
	"country_code" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"notes" text,
	"lat" double precision,
	"lng" double precision,
	"billing_info" text
);
--> statement-breakpoint
CREATE TABLE "inventory_return_locations" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"priority" integer NOT NULL,
	"inventory_model_id" text NOT NULL,
	"stock_location_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inventory_stock_locations" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"priority" integer NOT NULL,
	"on_hold" boolean DEFAULT false NOT NULL,
	"inventory_model_id" text NOT NULL,
	"stock_location_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_items" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"quantity" integer NOT NULL,
	"sku_id" text NOT NULL,
	"stock_location_id" text NOT NULL,
	"reserved_quantity" integer DEFAULT 0 NOT NULL,
	"reserved_stock_id" text NOT NULL,
	"reserved_updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stock_items_reserved_stock_id_unique" UNIQUE("reserved_stock_id"),
	CONSTRAINT "stock_items_quantity_check" CHECK ("stock_items"."quantity" >= 0),
	CONSTRAINT "stock_items_reserved_check" CHECK ("stock_items"."reserved_quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stock_locations" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"number" serial NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"label_format" text DEFAULT 'PDF' NOT NULL,
	"suppress_etd" boolean DEFAULT false NOT NULL,
	"address_id" text NOT NULL,
	CONSTRAINT "stock_locations_label_format_check" CHECK ("stock_locations"."label_format" in ('PDF', 'ZPL', 'EPL2', 'PNG'))
);
--> statement-breakpoint
CREATE TABLE "delivery_lead_times" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"min_hours" integer NOT NULL,
	"max_hours" integer NOT NULL,
	"stock_location_id" text NOT NULL,
	"shipping_method_id" text NOT NULL,
	CONSTRAINT "delivery_lead_times_hours_check" CHECK ("delivery_lead_times"."min_hours" >= 0 and "delivery_lead_times"."max_hours" >= "delivery_lead_times"."min_hours")
);
--> statement-breakpoint
CREATE TABLE "markets" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"number" serial NOT NULL,
	"name" text NOT NULL,
	"code" text,
	"facebook_pixel_id" text,
	"checkout_url" text,
	"external_prices_url" text,
	"external_order_validation_url" text,
	"shipping_cost_cutoff" integer,
	"disabled_at" timestamp (3) with time zone,
	"shared_secret" text NOT NULL,
	"inventory_model_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipping_methods" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL,
	"scheme" text DEFAULT 'flat' NOT NULL,
	"currency_code" text NOT NULL,
	"external_prices_url" text,
	"price_amount_cents" integer NOT NULL,
	"free_over_amount_cents" integer,
	"use_subtotal" boolean DEFAULT false NOT NULL,
	"min_weight" double precision,
	"max_weight" double precision,
	"unit_of_weight" text,
	"tax_code" text,
	"disabled_at" timestamp (3) with time zone,
	"shared_secret" text NOT NULL,
	"market_id" text,
	"shipping_category_id" text,
	"stock_location_id" text,
	CONSTRAINT "shipping_methods_scheme_check" CHECK ("shipping_methods"."scheme" in ('flat', 'weight_tiered', 'external')),
	CONSTRAINT "shipping_methods_price_check" CHECK ("shipping_methods"."price_amount_cents" >= 0 and ("shipping_methods"."free_over_amount_cents" is null or "shipping_methods"."free_over_amount_cents" >= 0))
);
--> statement-breakpoint
ALTER TABLE "skus" ADD CONSTRAINT "skus_shipping_category_id_shipping_categories_id_fk" FOREIGN KEY ("shipping_category_id") REFERENCES "public"."shipping_categories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_return_locations" ADD CONSTRAINT "inventory_return_locations_inventory_model_id_inventory_models_id_fk" FOREIGN KEY ("inventory_model_id") REFERENCES "public"."inventory_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_return_locations" ADD CONSTRAINT "inventory_return_locations_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_stock_locations" ADD CONSTRAINT "inventory_stock_locations_inventory_model_id_inventory_models_id_fk" FOREIGN KEY ("inventory_model_id") REFERENCES "public"."inventory_models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_stock_locations" ADD CONSTRAINT "inventory_stock_locations_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_items" ADD CONSTRAINT "stock_items_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_items" ADD CONSTRAINT "stock_items_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_locations" ADD CONSTRAINT "stock_locations_address_id_addresses_id_fk" FOREIGN KEY ("address_id") REFERENCES "public"."addresses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lead_times" ADD CONSTRAINT "delivery_lead_times_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_lead_times" ADD CONSTRAINT "delivery_lead_times_shipping_method_id_shipping_methods_id_fk" FOREIGN KEY ("shipping_method_id") REFERENCES "public"."shipping_methods"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markets" ADD CONSTRAINT "markets_inventory_model_id_inventory_models_id_fk" FOREIGN KEY ("inventory_model_id") REFERENCES "public"."inventory_models"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_market_id_markets_id_fk" FOREIGN KEY ("market_id") REFERENCES "public"."markets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_shipping_category_id_shipping_categories_id_fk" FOREIGN KEY ("shipping_category_id") REFERENCES "public"."shipping_categories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipping_methods" ADD CONSTRAINT "shipping_methods_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "shipping_categories_mode_code_key" ON "shipping_categories" USING btree ("mode","code");--> statement-breakpoint
CREATE INDEX "shipping_categories_mode_created_idx" ON "shipping_categories" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "skus_mode_code_key" ON "skus" USING btree ("mode","code");--> statement-breakpoint
CREATE INDEX "skus_mode_created_idx" ON "skus" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "skus_shipping_category_idx" ON "skus" USING btree ("shipping_category_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_return_locations_model_location_key" ON "inventory_return_locations" USING btree ("inventory_model_id","stock_location_id");--> statement-breakpoint
CREATE INDEX "inventory_return_locations_walk_idx" ON "inventory_return_locations" USING btree ("inventory_model_id","priority","created_at","id");--> statement-breakpoint
CREATE INDEX "inventory_return_locations_location_idx" ON "inventory_return_locations" USING btree ("stock_location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inventory_stock_locations_model_location_key" ON "inventory_stock_locations" USING btree ("inventory_model_id","stock_location_id");--> statement-breakpoint
CREATE INDEX "inventory_stock_locations_walk_idx" ON "inventory_stock_locations" USING btree ("inventory_model_id","priority","created_at","id");--> statement-breakpoint
CREATE INDEX "inventory_stock_locations_location_idx" ON "inventory_stock_locations" USING btree ("stock_location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_items_sku_location_key" ON "stock_items" USING btree ("sku_id","stock_location_id");--> statement-breakpoint
CREATE INDEX "stock_items_location_sku_idx" ON "stock_items" USING btree ("stock_location_id","sku_id");--> statement-breakpoint
CREATE INDEX "stock_items_mode_created_idx" ON "stock_items" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "stock_locations_mode_code_key" ON "stock_locations" USING btree ("mode","code");--> statement-breakpoint
CREATE INDEX "stock_locations_mode_created_idx" ON "stock_locations" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "stock_locations_address_idx" ON "stock_locations" USING btree ("address_id");--> statement-breakpoint
CREATE INDEX "delivery_lead_times_location_idx" ON "delivery_lead_times" USING btree ("stock_location_id");--> statement-breakpoint
CREATE INDEX "delivery_lead_times_method_idx" ON "delivery_lead_times" USING btree ("shipping_method_id");--> statement-breakpoint
CREATE INDEX "delivery_lead_times_mode_created_idx" ON "delivery_lead_times" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "markets_mode_code_key" ON "markets" USING btree ("mode","code");--> statement-breakpoint
CREATE INDEX "markets_mode_created_idx" ON "markets" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "markets_inventory_model_idx" ON "markets" USING btree ("inventory_model_id");--> statement-breakpoint
CREATE INDEX "shipping_methods_mode_created_idx" ON "shipping_methods" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "shipping_methods_market_idx" ON "shipping_methods" USING btree ("market_id");--> statement-breakpoint
CREATE VIEW "public"."reserved_stocks" AS (select "stock_items"."reserved_stock_id" as id, "stock_items"."mode" as mode, "stock_items"."reserved_quantity" as quantity, "stock_items"."id" as stock_item_id, "stock_items"."sku_id" as sku_id, null::text as reference, null::text as reference_origin, '{}'::jsonb as metadata, "stock_items"."created_at" as created_at, "stock_items"."reserved_updated_at" as updated_at from "stock_items");