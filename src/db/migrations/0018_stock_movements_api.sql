-- The stock_movements resource (Allot extension): a movement's created_at is the moment of the change, under
-- the stock item's row lock, so the quantity as of a time is what a reader saw then; versions by txid say who.
ALTER TABLE "stock_movements" ALTER COLUMN "created_at" SET DEFAULT clock_timestamp();--> statement-breakpoint
CREATE INDEX "versions_txid_idx" ON "versions" USING btree ("txid");--> statement-breakpoint
-- Hand-written: a stock item's ledger read from its index alone (counts, the counters before a page,
-- as_of sums): the same key, with the columns those read. drizzle-kit cannot declare INCLUDE.
DROP INDEX "stock_movements_stock_item_idx";--> statement-breakpoint
CREATE INDEX "stock_movements_stock_item_idx" ON "stock_movements" USING btree ("stock_item_id","id")
  INCLUDE ("mode","created_at","quantity_delta","reserved_delta");
