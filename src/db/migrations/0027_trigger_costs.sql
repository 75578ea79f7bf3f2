-- Trigger costs on the placement path (hand-written: drizzle-kit does not model triggers). A
-- placement paid for two calls of record_events (the order placed, each shipment created), each
-- serialising its row and running an insert from `webhooks`, when no webhook listened to that table,
-- and for a statement trigger on the reservations it inserted, though only drafts reach the feed.
--
-- record_events: nothing is serialised or inserted unless an enabled webhook of the row's mode has a
-- topic of this table (every topic it records is `{table}.{verb}`, so the rest is unchanged).
CREATE OR REPLACE FUNCTION "record_events"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  topics text[];
  val text;
  pair text;
BEGIN
  IF current_setting('allot.events', true) = 'off' THEN
    RETURN NULL;
  END IF;
  IF tg_op = 'DELETE' THEN
    INSERT INTO webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, snapshot)
    SELECT w.mode, w.id, w.topic, tg_table_name, old.id, to_jsonb(old) FROM webhooks w
    WHERE w.mode = old.mode AND w.topic = tg_table_name || '.destroy' AND w.disabled_at IS NULL;
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.mode = new.mode AND w.disabled_at IS NULL
      AND starts_with(w.topic, tg_table_name || '.')) THEN
    RETURN NULL;
  END IF;
  topics := CASE WHEN tg_op = 'INSERT' THEN ARRAY[tg_table_name || '.create'] ELSE ARRAY[]::text[] END;
  IF tg_nargs > 0 AND tg_argv[0] <> '' THEN
    val := to_jsonb(new) ->> tg_argv[0];
    FOREACH pair IN ARRAY tg_argv[1:] LOOP
      IF split_part(pair, '=', 1) = val OR (split_part(pair, '=', 1) = '*' AND val IS NOT NULL) THEN
        topics := topics || (tg_table_name || '.' || split_part(pair, '=', 2));
      END IF;
    END LOOP;
  END IF;
  IF cardinality(topics) = 0 THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_deliveries (mode, webhook_id, topic, resource_type, resource_id, snapshot)
  SELECT w.mode, w.id, w.topic, tg_table_name, new.id, to_jsonb(new) FROM webhooks w
  WHERE w.mode = new.mode AND w.topic = ANY (topics) AND w.disabled_at IS NULL
  ORDER BY array_position(topics, w.topic), w.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A new reservation reaches the change feed only as a draft: a row trigger whose condition PostgreSQL
-- evaluates without calling a function, so the holds a placement inserts cost nothing here. Updates
-- and deletes keep 0026's statement triggers (a sweep of many drafts stays one call).
CREATE FUNCTION "sku_changes_by_new_draft"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- the draft's own SKU and its stock item's, as in sku_changes_by_draft
  INSERT INTO sku_changes (txid, sku_id)
    SELECT txid_current(), new.sku_id
    UNION SELECT txid_current(), si.sku_id FROM stock_items si WHERE si.id = new.stock_item_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER "stock_reservations_changes_insert" ON "stock_reservations";
--> statement-breakpoint
CREATE TRIGGER "stock_reservations_changes_insert" AFTER INSERT ON "stock_reservations" FOR EACH ROW
  WHEN (new.status = 'draft') EXECUTE FUNCTION "sku_changes_by_new_draft"();
--> statement-breakpoint
ALTER TABLE "stock_reservations" ENABLE ALWAYS TRIGGER "stock_reservations_changes_insert";
