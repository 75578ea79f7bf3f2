ALTER TABLE "stock_reservations" DROP CONSTRAINT "stock_reservations_sku_id_skus_id_fk";
--> statement-breakpoint
-- Placement writes its stock line items and reservations first and takes the stock counters last
-- (src/services/orders.ts), so that a hot SKU's stock row stays locked only for that statement and
-- COMMIT. Checked at once, their foreign keys to stock_items would lock that row FOR KEY SHARE while
-- another placement holds it for its update: each such lock makes a new multixact of every locker,
-- which the next one has to read (PostgreSQL CPU per hot-SKU order tripled). Checked at COMMIT,
-- the transaction already holds the row (its counter update), so the check takes no lock of its own.
-- The reference is as strict as before for every writer; deleting a referenced stock item is still
-- refused at once (RESTRICT is never deferred). The reservation's sku_id is its stock item's, whose
-- own foreign key keeps the SKU: that constraint only added a share lock on the SKU row per line.
ALTER TABLE "stock_reservations" ALTER CONSTRAINT "stock_reservations_stock_item_id_stock_items_id_fk"
  DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
ALTER TABLE "stock_line_items" ALTER CONSTRAINT "stock_line_items_stock_item_id_stock_items_id_fk"
  DEFERRABLE INITIALLY DEFERRED;
--> statement-breakpoint
-- Orders and stock items are updated in place many times (placement bumps an order twice and each
-- stock item's counter per line): room left on each page lets those updates stay on the page (HOT),
-- with no new entry in any of their indexes. Pages written from now on keep it; a VACUUM FULL or
-- pg_repack gives existing pages the same room.
ALTER TABLE "orders" SET (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "stock_items" SET (fillfactor = 80);
