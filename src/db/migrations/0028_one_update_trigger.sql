-- One statement trigger for an UPDATE of stock items instead of two (hand-written: drizzle-kit does not
-- model triggers). Every stock counter update (a placement's holds among them) called the ledger's
-- trigger and the change feed's, each a PL/pgSQL call over the same transition tables, with the stock
-- rows locked until COMMIT. Now one function writes both. It keeps the ledger's name and fires always,
-- as the feed did: the ledger part skips itself where its trigger used not to fire (a replica-mode
-- session, or `allot.ledger_by_statement` set by a bulk load that writes its own ledger rows); the feed
-- part never does. Disabling `stock_items_ledger` by hand now also keeps those writes from the feed,
-- as disabling the feed's own triggers does.
CREATE FUNCTION "stock_items_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s
    FROM (SELECT sku_id FROM new_rows UNION SELECT sku_id FROM old_rows) d(s);
  IF current_setting('allot.ledger_by_statement', true) IS DISTINCT FROM 'on'
      AND current_setting('session_replication_role') <> 'replica' THEN
    INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason,
      actor, txid)
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
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER "stock_items_changes_update" ON "stock_items";
--> statement-breakpoint
DROP TRIGGER "stock_items_ledger" ON "stock_items";
--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger" AFTER UPDATE ON "stock_items"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stock_items_updated"();
--> statement-breakpoint
ALTER TABLE "stock_items" ENABLE ALWAYS TRIGGER "stock_items_ledger";
--> statement-breakpoint
DROP FUNCTION "stock_movements_updated"();
