CREATE TABLE "line_items" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"order_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"item_type" text DEFAULT 'skus' NOT NULL,
	"name" text,
	"quantity" integer NOT NULL,
	CONSTRAINT "line_items_quantity_check" CHECK ("line_items"."quantity" >= 1)
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"number" serial NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"payment_status" text DEFAULT 'unpaid' NOT NULL,
	"fulfillment_status" text DEFAULT 'unfulfilled' NOT NULL,
	"customer_email" text,
	"market_id" text NOT NULL,
	"placed_at" timestamp (3) with time zone,
	"approved_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	CONSTRAINT "orders_status_check" CHECK ("orders"."status" in ('draft', 'pending', 'placing', 'placed', 'editing', 'approved', 'cancelled')),
	CONSTRAINT "orders_fulfillment_status_check" CHECK ("orders"."fulfillment_status" in ('unfulfilled', 'in_progress', 'fulfilled', 'not_required'))
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"number" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"order_id" text NOT NULL,
	"inventory_stock_location_id" text,
	"stock_location_id" text NOT NULL,
	"shipping_category_id" text,
	"allocation" jsonb,
	"on_hold_at" timestamp (3) with time zone,
	"picking_at" timestamp (3) with time zone,
	"packing_at" timestamp (3) with time zone,
	"ready_to_ship_at" timestamp (3) with time zone,
	"shipped_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	CONSTRAINT "shipments_status_check" CHECK ("shipments"."status" in ('draft', 'upcoming', 'cancelled', 'on_hold', 'picking', 'packing', 'ready_to_ship', 'shipped', 'delivered'))
);
--> statement-breakpoint
CREATE TABLE "stock_line_items" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"shipment_id" text,
	"order_id" text NOT NULL,
	"line_item_id" text,
	"stock_item_id" text,
	"sku_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"name" text,
	"quantity" integer NOT NULL,
	"decremented_at" timestamp (3) with time zone,
	"restocked_at" timestamp (3) with time zone,
	CONSTRAINT "stock_line_items_quantity_check" CHECK ("stock_line_items"."quantity" >= 1)
);
--> statement-breakpoint
CREATE TABLE "stock_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"quantity" integer NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"stock_item_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"order_id" text,
	"line_item_id" text,
	"stock_line_item_id" text,
	CONSTRAINT "stock_reservations_status_check" CHECK ("stock_reservations"."status" in ('draft', 'pending')),
	CONSTRAINT "stock_reservations_quantity_check" CHECK ("stock_reservations"."quantity" >= 1),
	CONSTRAINT "stock_reservations_expiry_check" CHECK (("stock_reservations"."status" = 'draft') = ("stock_reservations"."expires_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "line_items" ADD CONSTRAINT "line_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_items" ADD CONSTRAINT "line_items_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_market_id_markets_id_fk" FOREIGN KEY ("market_id") REFERENCES "public"."markets"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_inventory_stock_location_id_inventory_stock_locations_id_fk" FOREIGN KEY ("inventory_stock_location_id") REFERENCES "public"."inventory_stock_locations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_shipping_category_id_shipping_categories_id_fk" FOREIGN KEY ("shipping_category_id") REFERENCES "public"."shipping_categories"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_line_items" ADD CONSTRAINT "stock_line_items_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_line_items" ADD CONSTRAINT "stock_line_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_line_items" ADD CONSTRAINT "stock_line_items_line_item_id_line_items_id_fk" FOREIGN KEY ("line_item_id") REFERENCES "public"."line_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_line_items" ADD CONSTRAINT "stock_line_items_stock_item_id_stock_items_id_fk" FOREIGN KEY ("stock_item_id") REFERENCES "public"."stock_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_line_items" ADD CONSTRAINT "stock_line_items_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_stock_item_id_stock_items_id_fk" FOREIGN KEY ("stock_item_id") REFERENCES "public"."stock_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_line_item_id_line_items_id_fk" FOREIGN KEY ("line_item_id") REFERENCES "public"."line_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_stock_line_item_id_stock_line_items_id_fk" FOREIGN KEY ("stock_line_item_id") REFERENCES "public"."stock_line_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "line_items_order_idx" ON "line_items" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "line_items_sku_idx" ON "line_items" USING btree ("sku_id");--> statement-breakpoint
CREATE INDEX "orders_mode_created_idx" ON "orders" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "orders_market_idx" ON "orders" USING btree ("market_id");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "shipments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shipments_mode_created_idx" ON "shipments" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "stock_line_items_shipment_idx" ON "stock_line_items" USING btree ("shipment_id");--> statement-breakpoint
CREATE INDEX "stock_line_items_order_idx" ON "stock_line_items" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "stock_line_items_line_item_idx" ON "stock_line_items" USING btree ("line_item_id");--> statement-breakpoint
CREATE INDEX "stock_line_items_stock_item_idx" ON "stock_line_items" USING btree ("stock_item_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_stock_item_idx" ON "stock_reservations" USING btree ("stock_item_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_drafts_idx" ON "stock_reservations" USING btree ("stock_item_id","expires_at") WHERE "stock_reservations"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "stock_reservations_order_idx" ON "stock_reservations" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_line_item_idx" ON "stock_reservations" USING btree ("line_item_id");--> statement-breakpoint
CREATE INDEX "stock_reservations_mode_created_idx" ON "stock_reservations" USING btree ("mode","created_at","id");--> statement-breakpoint
ALTER TABLE "stock_items" ADD CONSTRAINT "stock_items_available_check" CHECK ("stock_items"."quantity" >= "stock_items"."reserved_quantity");