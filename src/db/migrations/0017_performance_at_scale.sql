-- The stock ledger, written once per statement instead of once per row: statement-level triggers
-- with transition tables insert every movement of a statement in one INSERT … SELECT, so a placement
-- of 3 lines runs one ledger insert instead of 3 function calls and 3 inserts. The movements are the
-- same rows as before, for every writer (SQL typed by hand too): one per stock item whose counters
-- changed, with the same deltas, reason (the same CASE, `allot.reason` first), actor and txid.
-- Transition tables allow one event per trigger and no column list, hence three triggers; an UPDATE
-- that changes no counter writes nothing, as before; the UPDATE one keeps the old trigger's name.
-- `allot import` writes its own movements in the statement that changes the stock items and sets
-- allot.ledger_by_statement for those statements only: the triggers stand aside then.
-- Rows are paired by id, so a stock item's id cannot change any more (nothing changes it; foreign keys
-- already refused it once the item was referenced).
DROP TRIGGER "stock_items_ledger" ON "stock_items";
--> statement-breakpoint
CREATE FUNCTION "stock_movements_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, actor, txid)
  SELECT n.mode, n.id, n.sku_id, n.stock_location_id, n.quantity, n.reserved_quantity,
    coalesce(nullif(current_setting('allot.reason', true), ''), 'created'),
    nullif(current_setting('allot.actor', true), '')::jsonb, txid_current()
  FROM new_rows n WHERE n.quantity <> 0 OR n.reserved_quantity <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "stock_movements_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, actor, txid)
  SELECT o.mode, o.id, o.sku_id, o.stock_location_id, -o.quantity, -o.reserved_quantity, 'deleted',
    nullif(current_setting('allot.actor', true), '')::jsonb, txid_current()
  FROM old_rows o;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "stock_movements_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, actor, txid)
  SELECT n.mode, n.id, n.sku_id, n.stock_location_id, d.dq, d.dr,
    coalesce(nullif(current_setting('allot.reason', true), ''), CASE
      WHEN d.dq = 0 AND d.dr > 0 THEN 'reserved'
      WHEN d.dq = 0 AND d.dr < 0 THEN 'released'
      WHEN d.dq < 0 AND d.dq = d.dr THEN 'decremented'
      WHEN d.dq > 0 AND d.dr = 0 THEN 'incremented'
      WHEN d.dq < 0 AND d.dr = 0 THEN 'decreased'
      ELSE 'adjusted' END),
    nullif(current_setting('allot.actor', true), '')::jsonb, txid_current()
  FROM new_rows n JOIN old_rows o ON o.id = n.id,
    LATERAL (SELECT n.quantity - o.quantity AS dq, n.reserved_quantity - o.reserved_quantity AS dr) d
  WHERE d.dq <> 0 OR d.dr <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "stock_item_id_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a stock item''s id cannot change (the stock ledger pairs rows by id)' USING ERRCODE = '23514';
END $$;
--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger_insert" AFTER INSERT ON "stock_items"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (current_setting('allot.ledger_by_statement', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "stock_movements_inserted"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger_delete" AFTER DELETE ON "stock_items"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  WHEN (current_setting('allot.ledger_by_statement', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "stock_movements_deleted"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger" AFTER UPDATE ON "stock_items"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  WHEN (current_setting('allot.ledger_by_statement', true) IS DISTINCT FROM 'on') EXECUTE FUNCTION "stock_movements_updated"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_id_fixed" BEFORE UPDATE OF id ON "stock_items"
  FOR EACH ROW WHEN (old.id IS DISTINCT FROM new.id) EXECUTE FUNCTION "stock_item_id_fixed"();
--> statement-breakpoint
DROP FUNCTION "stock_movement"();
--> statement-breakpoint
-- List filters at scale: code_start as a bytewise range on lower(code), name_cont through trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "skus_mode_code_prefix_idx" ON "skus" USING btree ("mode",lower("code") text_pattern_ops);
--> statement-breakpoint
CREATE INDEX "skus_name_trgm_idx" ON "skus" USING gin ("name" gin_trgm_ops);
