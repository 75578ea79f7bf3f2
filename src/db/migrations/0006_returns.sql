CREATE TABLE "return_line_items" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"return_id" text NOT NULL,
	"line_item_id" text NOT NULL,
	"sku_code" text NOT NULL,
	"quantity" integer NOT NULL,
	"restocked_at" timestamp (3) with time zone,
	CONSTRAINT "return_line_items_quantity_check" CHECK ("return_line_items"."quantity" >= 1)
);
--> statement-breakpoint
CREATE TABLE "returns" (
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
	"stock_location_id" text NOT NULL,
	"approved_at" timestamp (3) with time zone,
	"received_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	"restocked_at" timestamp (3) with time zone,
	CONSTRAINT "returns_status_check" CHECK ("returns"."status" in ('draft', 'requested', 'approved', 'cancelled', 'shipped', 'received'))
);
--> statement-breakpoint
ALTER TABLE "return_line_items" ADD CONSTRAINT "return_line_items_return_id_returns_id_fk" FOREIGN KEY ("return_id") REFERENCES "public"."returns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "return_line_items" ADD CONSTRAINT "return_line_items_line_item_id_line_items_id_fk" FOREIGN KEY ("line_item_id") REFERENCES "public"."line_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_stock_location_id_stock_locations_id_fk" FOREIGN KEY ("stock_location_id") REFERENCES "public"."stock_locations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "return_line_items_return_idx" ON "return_line_items" USING btree ("return_id");--> statement-breakpoint
CREATE INDEX "return_line_items_line_item_idx" ON "return_line_items" USING btree ("line_item_id");--> statement-breakpoint
CREATE INDEX "returns_order_idx" ON "returns" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "returns_mode_created_idx" ON "returns" USING btree ("mode","created_at","id");