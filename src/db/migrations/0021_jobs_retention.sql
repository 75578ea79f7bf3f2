CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_finished_idx" ON "webhook_deliveries" USING btree ("updated_at","id") WHERE "webhook_deliveries"."status" <> 'pending';--> statement-breakpoint
-- Hand-written (drizzle-kit does not model storage parameters). 30 % of each stock_items page is left
-- free, so an update of a quantity or a reserved count (neither is in any index) can stay on its page as
-- a HOT update and touch none of the table's five indexes: every placement's reserved count, and most
-- rows of an `allot import` that updates every stock item (README, "Imports and exports": 50 % made
-- such an update faster still but a fresh load slower; 70 was the best of 50, 70 and 100 for both).
-- Pages already written keep their packing until the table is rewritten (VACUUM FULL, CLUSTER).
ALTER TABLE "stock_items" SET (fillfactor = 70);
