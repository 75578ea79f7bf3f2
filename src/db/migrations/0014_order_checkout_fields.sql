ALTER TABLE "line_items" ADD COLUMN "image_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "language_code" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "coupon_code" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "gift_card_code" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cart_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "return_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "terms_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "privacy_url" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "shipping_address_id" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "billing_address_id" text;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_shipping_address_id_addresses_id_fk" FOREIGN KEY ("shipping_address_id") REFERENCES "public"."addresses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_billing_address_id_addresses_id_fk" FOREIGN KEY ("billing_address_id") REFERENCES "public"."addresses"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "orders_shipping_address_idx" ON "orders" USING btree ("shipping_address_id");--> statement-breakpoint
CREATE INDEX "orders_billing_address_idx" ON "orders" USING btree ("billing_address_id");