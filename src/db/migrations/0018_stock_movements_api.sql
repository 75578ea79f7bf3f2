-- The stock_movements resource (Allot extension): a movement's created_at is the moment of the change, under
-- the stock item's row lock, so the quantity as of a time is what a reader saw then; versions by txid say who.
ALTER TABLE "stock_movements" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();--> statement-breakpoint
CREATE INDEX "versions_txid_idx" ON "versions" USING btree ("txid");
