CREATE TABLE "stock_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"stock_item_id" text NOT NULL,
	"sku_id" text NOT NULL,
	"stock_location_id" text NOT NULL,
	"quantity_delta" integer NOT NULL,
	"reserved_delta" integer NOT NULL,
	"reason" text NOT NULL,
	"actor" jsonb,
	"txid" bigint NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "stock_movements_stock_item_idx" ON "stock_movements" USING btree ("stock_item_id","id");--> statement-breakpoint
CREATE INDEX "stock_movements_mode_created_idx" ON "stock_movements" USING btree ("mode","created_at");--> statement-breakpoint
-- Every change of a stock item's counters leaves one movement, in the same statement (hand-written: drizzle-kit does not model triggers).
CREATE FUNCTION "stock_movement"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dq integer;
  dr integer;
  why text;
BEGIN
  IF tg_op = 'INSERT' THEN
    dq := new.quantity; dr := new.reserved_quantity;
  ELSIF tg_op = 'DELETE' THEN
    INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, actor, txid)
    VALUES (old.mode, old.id, old.sku_id, old.stock_location_id, -old.quantity, -old.reserved_quantity, 'deleted',
            nullif(current_setting('allot.actor', true), '')::jsonb, txid_current());
    RETURN NULL;
  ELSE
    dq := new.quantity - old.quantity; dr := new.reserved_quantity - old.reserved_quantity;
  END IF;
  IF dq = 0 AND dr = 0 THEN
    RETURN NULL; -- no movement when nothing changed
  END IF;
  why := coalesce(nullif(current_setting('allot.reason', true), ''), CASE
    WHEN tg_op = 'INSERT' THEN 'created'
    WHEN dq = 0 AND dr > 0 THEN 'reserved'
    WHEN dq = 0 AND dr < 0 THEN 'released'
    WHEN dq < 0 AND dq = dr THEN 'decremented'
    WHEN dq > 0 AND dr = 0 THEN 'incremented'
    WHEN dq < 0 AND dr = 0 THEN 'decreased'
    ELSE 'adjusted' END);
  INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, actor, txid)
  VALUES (new.mode, new.id, new.sku_id, new.stock_location_id, dq, dr, why, nullif(current_setting('allot.actor', true), '')::jsonb, txid_current());
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger" AFTER INSERT OR DELETE OR UPDATE OF quantity, reserved_quantity ON "stock_items"
  FOR EACH ROW EXECUTE FUNCTION "stock_movement"();
--> statement-breakpoint
INSERT INTO stock_movements (mode, stock_item_id, sku_id, stock_location_id, quantity_delta, reserved_delta, reason, txid)
  SELECT mode, id, sku_id, stock_location_id, quantity, reserved_quantity, 'opening_balance', txid_current() FROM stock_items;
