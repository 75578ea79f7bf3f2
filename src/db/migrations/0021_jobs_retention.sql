CREATE INDEX "webhook_deliveries_webhook_idx" ON "webhook_deliveries" USING btree ("webhook_id","id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_finished_idx" ON "webhook_deliveries" USING btree ("updated_at","id") WHERE "webhook_deliveries"."status" <> 'pending';--> statement-breakpoint
-- Hand-written (drizzle-kit does not model storage parameters). Half of each stock_items page is left
-- free, so an update of a quantity or a reserved count (neither is in any index) can stay on its page
-- as a HOT update and touches none of the table's five indexes: `allot import` updating every stock
-- item, and every placement's reserved count. Pages already written keep their packing until the table
-- is rewritten (VACUUM FULL, CLUSTER); new pages get the room.
ALTER TABLE "stock_items" SET (fillfactor = 50);
