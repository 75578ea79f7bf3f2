CREATE TABLE "sku_changes" (
	"txid" bigint NOT NULL,
	"sku_id" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sku_changes_horizon" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"floor" bigint NOT NULL,
	"next" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sku_changes_txid_idx" ON "sku_changes" USING btree ("txid");--> statement-breakpoint
-- The response cache's change feed (src/query/changes.ts): a row per (transaction, SKU) for every
-- write to what a SKU's single response reads besides the market configuration (which has its own
-- counter): the SKU row, its stock items, and draft reservations on them (a draft counts until it
-- expires). Statement triggers with transition tables, for every writer (SQL typed by hand, imports
-- that bypass the ledger triggers); '*' for a TRUNCATE, which changes every SKU.
INSERT INTO "sku_changes_horizon" ("id", "floor", "next")
  SELECT 1, x, x FROM (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS x) s;
--> statement-breakpoint
CREATE FUNCTION "sku_changes_by_sku_id"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (SELECT DISTINCT sku_id FROM new_rows) d(s);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (SELECT DISTINCT sku_id FROM old_rows) d(s);
  ELSE
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s
      FROM (SELECT sku_id FROM new_rows UNION SELECT sku_id FROM old_rows) d(s);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sku_changes_by_draft"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- an answer reads drafts through their stock item's SKU, which may differ from the draft's own copy
  -- (a stock item moved to another SKU): both are listed
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (
      SELECT n.sku_id FROM new_rows n WHERE n.status = 'draft'
      UNION SELECT si.sku_id FROM new_rows n JOIN stock_items si ON si.id = n.stock_item_id WHERE n.status = 'draft') d(s);
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (
      SELECT o.sku_id FROM old_rows o WHERE o.status = 'draft'
      UNION SELECT si.sku_id FROM old_rows o JOIN stock_items si ON si.id = o.stock_item_id WHERE o.status = 'draft') d(s);
  ELSE
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (
      SELECT n.sku_id FROM new_rows n WHERE n.status = 'draft'
      UNION SELECT o.sku_id FROM old_rows o WHERE o.status = 'draft'
      UNION SELECT si.sku_id FROM new_rows n JOIN stock_items si ON si.id = n.stock_item_id WHERE n.status = 'draft'
      UNION SELECT si.sku_id FROM old_rows o JOIN stock_items si ON si.id = o.stock_item_id WHERE o.status = 'draft') d(s);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sku_changes_by_id"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), id FROM old_rows;
  ELSE
    INSERT INTO sku_changes (txid, sku_id) SELECT txid_current(), s FROM (SELECT id FROM new_rows UNION SELECT id FROM old_rows) d(s);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sku_changes_all"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sku_changes (txid, sku_id) VALUES (txid_current(), '*');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "stock_items_changes_insert" AFTER INSERT ON "stock_items" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_sku_id"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_changes_update" AFTER UPDATE ON "stock_items" REFERENCING OLD TABLE AS old_rows
  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_sku_id"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_changes_delete" AFTER DELETE ON "stock_items" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_sku_id"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_changes_truncate" AFTER TRUNCATE ON "stock_items"
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_all"();
--> statement-breakpoint
CREATE TRIGGER "stock_reservations_changes_insert" AFTER INSERT ON "stock_reservations" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_draft"();
--> statement-breakpoint
CREATE TRIGGER "stock_reservations_changes_update" AFTER UPDATE ON "stock_reservations" REFERENCING OLD TABLE AS old_rows
  NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_draft"();
--> statement-breakpoint
CREATE TRIGGER "stock_reservations_changes_delete" AFTER DELETE ON "stock_reservations" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_draft"();
--> statement-breakpoint
CREATE TRIGGER "stock_reservations_changes_truncate" AFTER TRUNCATE ON "stock_reservations"
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_all"();
--> statement-breakpoint
CREATE TRIGGER "skus_changes_update" AFTER UPDATE ON "skus" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_id"();
--> statement-breakpoint
CREATE TRIGGER "skus_changes_delete" AFTER DELETE ON "skus" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_by_id"();
--> statement-breakpoint
CREATE TRIGGER "skus_changes_truncate" AFTER TRUNCATE ON "skus" FOR EACH STATEMENT EXECUTE FUNCTION "sku_changes_all"();
--> statement-breakpoint
-- fired under session_replication_role = replica too (bulk loads, logical replication's apply): only a
-- trigger disabled by hand keeps a write from the feed
ALTER TABLE "stock_items" ENABLE ALWAYS TRIGGER "stock_items_changes_insert";
--> statement-breakpoint
ALTER TABLE "stock_items" ENABLE ALWAYS TRIGGER "stock_items_changes_update";
--> statement-breakpoint
ALTER TABLE "stock_items" ENABLE ALWAYS TRIGGER "stock_items_changes_delete";
--> statement-breakpoint
ALTER TABLE "stock_items" ENABLE ALWAYS TRIGGER "stock_items_changes_truncate";
--> statement-breakpoint
ALTER TABLE "stock_reservations" ENABLE ALWAYS TRIGGER "stock_reservations_changes_insert";
--> statement-breakpoint
ALTER TABLE "stock_reservations" ENABLE ALWAYS TRIGGER "stock_reservations_changes_update";
--> statement-breakpoint
ALTER TABLE "stock_reservations" ENABLE ALWAYS TRIGGER "stock_reservations_changes_delete";
--> statement-breakpoint
ALTER TABLE "stock_reservations" ENABLE ALWAYS TRIGGER "stock_reservations_changes_truncate";
--> statement-breakpoint
ALTER TABLE "skus" ENABLE ALWAYS TRIGGER "skus_changes_update";
--> statement-breakpoint
ALTER TABLE "skus" ENABLE ALWAYS TRIGGER "skus_changes_delete";
--> statement-breakpoint
ALTER TABLE "skus" ENABLE ALWAYS TRIGGER "skus_changes_truncate";
--> statement-breakpoint
-- rows below `next` go, and `floor` says so; `next` becomes the oldest running transaction, so what
-- a reader may still ask about stays at least one pruning interval longer (never lowered by a racing
-- pruner); at most one round every 5 s, however many processes call it
CREATE FUNCTION "sku_changes_prune"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  k integer := 0;
  upto bigint;
BEGIN
  UPDATE sku_changes_horizon h SET floor = h.next,
    next = greatest(h.next, pg_snapshot_xmin(pg_current_snapshot())::text::bigint), pruned_at = now()
  WHERE h.id = 1 AND h.pruned_at <= now() - interval '5 seconds'
  RETURNING floor INTO upto;
  IF FOUND THEN
    DELETE FROM sku_changes WHERE txid < upto;
    GET DIAGNOSTICS k = ROW_COUNT;
  END IF;
  RETURN k;
END $$;
