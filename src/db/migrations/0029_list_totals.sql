-- Each list scope's total in a few rows (docs/lists.md), so a page's meta.record_count no longer sums
-- every bucket of sku_list_counts: 1,000 of them at a million SKUs, ~0.2 ms of every SKU page.
-- Kept from sku_list_counts itself by statement triggers, so whatever writes counts (the triggers of
-- 0019, a split, a fold, SQL typed by hand) writes the same signed deltas here, in its transaction.
-- Like the buckets' counts, totals are only inserted, so writers never wait for each other, and
-- sku_list_compact() folds them.
CREATE TABLE "sku_list_totals" ("scope" text NOT NULL, "n" integer NOT NULL);
--> statement-breakpoint
CREATE INDEX "sku_list_totals_scope_idx" ON "sku_list_totals" ("scope") INCLUDE ("n");
--> statement-breakpoint
CREATE FUNCTION "sku_list_totals_kept"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n) FROM new_rows GROUP BY 1 HAVING sum(n) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sku_list_totals (scope, n) SELECT scope, -sum(n) FROM old_rows GROUP BY 1 HAVING sum(n) <> 0;
  ELSE
    INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n)
      FROM (SELECT scope, n FROM new_rows UNION ALL SELECT scope, -n FROM old_rows) d GROUP BY 1 HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "sku_list_totals_insert" AFTER INSERT ON "sku_list_counts"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sku_list_totals_kept"();
--> statement-breakpoint
CREATE TRIGGER "sku_list_totals_delete" AFTER DELETE ON "sku_list_counts"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "sku_list_totals_kept"();
--> statement-breakpoint
CREATE TRIGGER "sku_list_totals_update" AFTER UPDATE ON "sku_list_counts"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "sku_list_totals_kept"();
--> statement-breakpoint
-- the triggers above hold sku_list_counts against writers until this commits, so nothing is missed
INSERT INTO "sku_list_totals" (scope, n) SELECT scope, sum(n) FROM sku_list_counts GROUP BY 1 HAVING sum(n) <> 0;
--> statement-breakpoint
-- Folds each (scope, bucket)'s deltas into one row, then each scope's total deltas (the first fold's
-- own among them, which cancel out). Exact beside concurrent writers: each fold deletes only the rows
-- its snapshot sees and inserts their sum.
CREATE OR REPLACE FUNCTION "sku_list_compact"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE folded integer;
BEGIN
  PERFORM sku_list_writer();
  WITH g AS (
    SELECT scope, mark_at, mark_id FROM sku_list_counts GROUP BY 1, 2, 3 HAVING count(*) > 1 OR sum(n) = 0
  ), d AS (
    DELETE FROM sku_list_counts c USING g
    WHERE c.scope = g.scope AND c.mark_at = g.mark_at AND c.mark_id = g.mark_id RETURNING c.*
  ), s AS (
    INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
    SELECT mode, scope, mark_at, mark_id, sum(n) FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
  )
  SELECT count(*) INTO folded FROM d;
  WITH g AS (
    SELECT scope FROM sku_list_totals GROUP BY 1 HAVING count(*) > 1 OR sum(n) = 0
  ), d AS (
    DELETE FROM sku_list_totals t USING g WHERE t.scope = g.scope RETURNING t.*
  )
  INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n) FROM d GROUP BY 1 HAVING sum(n) <> 0;
  RETURN folded;
END $$;
