-- Running counts at each bucket of the list counts (docs/lists.md), so page N finds the bucket where
-- it starts from an index instead of summing up to 500 buckets (at a million SKUs, the last list
-- cost that grew with the catalogue). The keeper's fold writes its rows `folded`; sku_list_prefix
-- holds, per scope, the folded SKUs before each folded bucket, and sku_list_prefix_valid whether
-- that still matches the folded rows. Writers insert unfolded deltas only, which a reader adds to
-- the prefix it starts from. Whatever inserts, deletes or changes a folded row (a fold, a split, SQL
-- typed by hand) marks its scopes stale in its transaction; pages then walk the buckets as before
-- until the next fold rebuilds them.
ALTER TABLE "sku_list_counts" ADD COLUMN "folded" boolean NOT NULL DEFAULT false;
--> statement-breakpoint
CREATE INDEX "sku_list_counts_unfolded_idx" ON "sku_list_counts" ("scope", "mark_at", "mark_id") INCLUDE ("n")
  WHERE NOT "folded";
--> statement-breakpoint
CREATE TABLE "sku_list_prefix" (
  "scope" text NOT NULL,
  "before" bigint NOT NULL,
  "mark_at" timestamptz NOT NULL,
  "mark_id" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sku_list_prefix_idx" ON "sku_list_prefix" ("scope", "before") INCLUDE ("mark_at", "mark_id");
--> statement-breakpoint
CREATE TABLE "sku_list_prefix_valid" ("scope" text PRIMARY KEY, "valid" boolean NOT NULL);
--> statement-breakpoint
-- The totals' triggers (0029) also mark stale the prefixes of scopes whose folded rows a statement
-- wrote. The row is written even when already stale: a rebuild in flight holds it, so this waits for
-- the rebuild to commit and then marks its result stale, instead of letting it land unseen.
CREATE OR REPLACE FUNCTION "sku_list_totals_kept"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n) FROM new_rows GROUP BY 1 HAVING sum(n) <> 0;
    INSERT INTO sku_list_prefix_valid (scope, valid)
      SELECT DISTINCT scope, false FROM new_rows WHERE folded ORDER BY 1
      ON CONFLICT (scope) DO UPDATE SET valid = false;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO sku_list_totals (scope, n) SELECT scope, -sum(n) FROM old_rows GROUP BY 1 HAVING sum(n) <> 0;
    INSERT INTO sku_list_prefix_valid (scope, valid)
      SELECT DISTINCT scope, false FROM old_rows WHERE folded ORDER BY 1
      ON CONFLICT (scope) DO UPDATE SET valid = false;
  ELSE
    INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n)
      FROM (SELECT scope, n FROM new_rows UNION ALL SELECT scope, -n FROM old_rows) d GROUP BY 1 HAVING sum(n) <> 0;
    INSERT INTO sku_list_prefix_valid (scope, valid)
      SELECT scope, false FROM (SELECT scope FROM new_rows WHERE folded UNION SELECT scope FROM old_rows WHERE folded) s
      ORDER BY 1 ON CONFLICT (scope) DO UPDATE SET valid = false;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- TRUNCATE fires no row or transition-table trigger: every prefix goes stale.
CREATE FUNCTION "sku_list_prefix_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE sku_list_prefix_valid SET valid = false;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "sku_list_prefix_truncate" AFTER TRUNCATE ON "sku_list_counts"
  FOR EACH STATEMENT EXECUTE FUNCTION "sku_list_prefix_truncated"();
--> statement-breakpoint
-- Folds each bucket's deltas (and any row not yet folded, such as a split's) into one folded row,
-- then each scope's total deltas, then rebuilds the stale prefixes. Those are locked first, in a
-- statement of their own, so the rebuild's statements see every change committed before it, and a
-- change after it waits (trigger above) and marks the result stale again. A stale scope another
-- transaction holds is skipped (SKIP LOCKED, so two keepers never wait on each other here): it stays
-- stale until a later round.
CREATE OR REPLACE FUNCTION "sku_list_compact"() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  rows_folded integer;
  stale text[];
BEGIN
  PERFORM sku_list_writer();
  -- a transaction left open after SQL typed by hand on a folded row holds its scope's mark: give up
  -- this round rather than hold the writers' lock (and a split queued behind it) while waiting
  PERFORM set_config('lock_timeout', '2s', true);
  WITH g AS (
    SELECT scope, mark_at, mark_id FROM sku_list_counts GROUP BY 1, 2, 3
    HAVING count(*) > 1 OR sum(n) = 0 OR bool_or(NOT folded)
  ), d AS (
    DELETE FROM sku_list_counts c USING g
    WHERE c.scope = g.scope AND c.mark_at = g.mark_at AND c.mark_id = g.mark_id RETURNING c.*
  ), s AS (
    INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n, folded)
    SELECT mode, scope, mark_at, mark_id, sum(n), true FROM d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
  )
  SELECT count(*) INTO rows_folded FROM d;
  WITH g AS (
    SELECT scope FROM sku_list_totals GROUP BY 1 HAVING count(*) > 1 OR sum(n) = 0
  ), d AS (
    DELETE FROM sku_list_totals t USING g WHERE t.scope = g.scope RETURNING t.*
  )
  INSERT INTO sku_list_totals (scope, n) SELECT scope, sum(n) FROM d GROUP BY 1 HAVING sum(n) <> 0;
  SELECT array_agg(scope) INTO stale
    FROM (SELECT v.scope FROM sku_list_prefix_valid v WHERE NOT v.valid ORDER BY 1 FOR UPDATE SKIP LOCKED) l;
  IF stale IS NULL THEN
    RETURN rows_folded;
  END IF;
  DELETE FROM sku_list_prefix p WHERE p.scope = ANY (stale);
  INSERT INTO sku_list_prefix (scope, before, mark_at, mark_id)
  SELECT b.scope, sum(b.n) OVER (PARTITION BY b.scope ORDER BY b.mark_at, b.mark_id) - b.n, b.mark_at, b.mark_id
  FROM (SELECT c.scope, c.mark_at, c.mark_id, sum(c.n) AS n FROM sku_list_counts c
    WHERE c.folded AND c.scope = ANY (stale) GROUP BY 1, 2, 3) b;
  UPDATE sku_list_prefix_valid v SET valid = true WHERE v.scope = ANY (stale);
  RETURN rows_folded;
END $$;
