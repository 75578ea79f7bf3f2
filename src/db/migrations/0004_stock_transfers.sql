CREATE TABLE "stock_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"number" text NOT NULL,
	"sku_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"quantity" integer NOT NULL,
	"origin_stock_location_id" text NOT NULL,
	"destination_stock_location_id" text NOT NULL,
	"shipment_id" text,
	"line_item_id" text,
	"order_id" text,
	"on_hold_at" timestamp (3) with time zone,
	"picking_at" timestamp (3) with time zone,
	"in_transit_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	CONSTRAINT "stock_transfers_status_check" CHECK ("stock_transfers"."status" in ('draft', 'upcoming', 'on_hold', 'picking', 'in_transit', 'completed', 'cancelled')),
	CONSTRAINT "stock_transfers_quantity_check" CHECK ("stock_transfers"."quantity" >= 1),
	CONSTRAINT "stock_transfers_locations_check" CHECK ("stock_transfers"."origin_stock_location_id" <> "stock_transfers"."destination_stock_location_id")
);
--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD COLUMN "stock_transfer_id" text;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_origin_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("origin_stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_destination_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("destination_stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_line_item_id_line_items_id_fk" FOREIGN KEY ("line_item_id") REFERENCES "public"."line_items"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stock_transfers" ADD CONSTRAINT "stock_transfers_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stock_transfers_shipment_idx" ON "stock_transfers" USING btree ("shipment_id");--> statement-breakpoint
CREATE INDEX "stock_transfers_order_idx" ON "stock_transfers" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "stock_transfers_origin_idx" ON "stock_transfers" USING btree ("origin_stock_location_id");--> statement-breakpoint
CREATE INDEX "stock_transfers_destination_idx" ON "stock_transfers" USING btree ("destination_stock_location_id");--> statement-breakpoint
CREATE INDEX "stock_transfers_mode_created_idx" ON "stock_transfers" USING btree ("mode","created_at","id");--> statement-breakpoint
ALTER TABLE "stock_reservations" ADD CONSTRAINT "stock_reservations_stock_transfer_id_stock_transfers_id_fk" FOREIGN KEY ("stock_transfer_id") REFERENCES "public"."stock_transfers"("id") ON DELETE restrict ON UPDATE no action;