-- Lists at any size (docs/lists.md): exact totals and deep pages of SKUs without walking the catalogue.
-- sku_visibility: the SKUs each inventory model sees (a stock item in one of its stock locations), with
-- the number of such stock items, kept by triggers on stock_items and inventory_stock_locations.
-- sku_list_marks cut each mode's SKUs, in list order (created_at, id), into buckets of about
-- 1,000; sku_list_counts holds signed deltas of how many SKUs each bucket has for a scope (an
-- inventory model, or 'all:' || mode for every SKU), so a total is a sum over a few thousand rows and
-- page N starts from the bucket where it falls. Deltas are inserted, never updated: concurrent writers
-- never wait for each other; sku_list_compact() folds them.
-- Every writer of counts holds a shared advisory lock until it commits; what moves buckets or changes
-- which stock locations a model has (sku_list_rebalance(), inventory_stock_locations) holds it
-- exclusively, so each sees the others' work committed and the counts stay exact.
CREATE TABLE "sku_visibility" (
  "inventory_model_id" text NOT NULL,
  "sku_id" text NOT NULL,
  "sku_created_at" timestamp (3) with time zone NOT NULL,
  "items" integer NOT NULL,
  PRIMARY KEY ("inventory_model_id", "sku_id")
);
--> statement-breakpoint
CREATE INDEX "sku_visibility_order_idx" ON "sku_visibility" ("inventory_model_id", "sku_created_at", "sku_id");
--> statement-breakpoint
CREATE TABLE "sku_list_marks" (
  "mode" text NOT NULL,
  "created_at" timestamp (3) with time zone NOT NULL,
  "id" text NOT NULL,
  PRIMARY KEY ("mode", "created_at", "id")
);
--> statement-breakpoint
CREATE TABLE "sku_list_counts" (
  "mode" text NOT NULL,
  "scope" text NOT NULL,
  "mark_at" timestamp (3) with time zone NOT NULL,
  "mark_id" text NOT NULL,
  "n" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sku_list_counts_scope_idx" ON "sku_list_counts" ("scope", "mark_at", "mark_id") INCLUDE ("n");
--> statement-breakpoint
-- updated by every exclusive holder: a repeatable-read writer that locks it FOR SHARE after one fails
CREATE TABLE "sku_list_epoch" ("n" bigint NOT NULL);
--> statement-breakpoint
INSERT INTO "sku_list_epoch" VALUES (0);
--> statement-breakpoint
-- the bucket of a SKU: its mode's greatest mark at or before it ('-infinity' before the first mark)
CREATE FUNCTION "sku_list_mark"(p_mode text, p_at timestamptz, p_id text, OUT mark_at timestamptz, OUT mark_id text)
STABLE LANGUAGE sql AS $$
  SELECT coalesce(m.created_at, '-infinity'), coalesce(m.id, '') FROM (SELECT 1) one
  LEFT JOIN LATERAL (SELECT k.created_at, k.id FROM sku_list_marks k
    WHERE k.mode = p_mode AND (k.created_at, k.id) <= (p_at, p_id)
    ORDER BY k.created_at DESC, k.id DESC LIMIT 1) m ON true
$$;
--> statement-breakpoint
CREATE FUNCTION "sku_list_writer"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('allot.sku_list'));
  -- a snapshot older than an exclusive holder's commit would miss its work: fail instead (40001)
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    PERFORM 1 FROM sku_list_epoch FOR SHARE;
  END IF;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sku_list_exclusive"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'stock locations of inventory models change only in read committed transactions'
      USING ERRCODE = '25001';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('allot.sku_list'));
  UPDATE sku_list_epoch SET n = n + 1;
END $$;
--> statement-breakpoint
-- (model, SKU, Δ stock items) triples: a SKU a model starts to see counts +1 in its bucket, one it
-- stops seeing -1
CREATE FUNCTION "sku_visibility_apply"(p_models text[], p_skus text[], p_deltas integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(cardinality(p_models), 0) = 0 THEN RETURN; END IF;
  PERFORM sku_list_writer();
  WITH d AS (
    SELECT x.m, x.s, sum(x.c)::int AS c FROM unnest(p_models, p_skus, p_deltas) AS x(m, s, c) GROUP BY 1, 2
  ), up AS (
    INSERT INTO sku_visibility AS v (inventory_model_id, sku_id, sku_created_at, items)
    SELECT d.m, d.s, k.created_at, d.c FROM d JOIN skus k ON k.id = d.s WHERE d.c > 0 ORDER BY 1, 2
    ON CONFLICT (inventory_model_id, sku_id) DO UPDATE SET items = v.items + excluded.items
    RETURNING v.inventory_model_id AS m, v.sku_id AS s, v.items
  )
  INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
  SELECT k.mode, up.m, mk.mark_at, mk.mark_id, count(*) FROM up JOIN d ON d.m = up.m AND d.s = up.s
    JOIN skus k ON k.id = up.s CROSS JOIN LATERAL sku_list_mark(k.mode, k.created_at, k.id) mk
  WHERE up.items = d.c GROUP BY 1, 2, 3, 4;
  WITH d AS (
    SELECT x.m, x.s, sum(x.c)::int AS c FROM unnest(p_models, p_skus, p_deltas) AS x(m, s, c) GROUP BY 1, 2
  )
  UPDATE sku_visibility v SET items = v.items + d.c FROM d
  WHERE d.c < 0 AND v.inventory_model_id = d.m AND v.sku_id = d.s;
  WITH gone AS (
    DELETE FROM sku_visibility v USING unnest(p_models, p_skus, p_deltas) AS x(m, s, c)
    WHERE x.c < 0 AND v.inventory_model_id = x.m AND v.sku_id = x.s AND v.items <= 0
    RETURNING v.inventory_model_id AS m, v.sku_id AS s
  )
  INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
  SELECT k.mode, gone.m, mk.mark_at, mk.mark_id, -count(*) FROM gone JOIN skus k ON k.id = gone.s
    CROSS JOIN LATERAL sku_list_mark(k.mode, k.created_at, k.id) mk
  GROUP BY 1, 2, 3, 4;
END $$;
--> statement-breakpoint
CREATE FUNCTION "stock_items_visibility"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- locked before the stock locations are read: a model's change committed meanwhile is seen
  PERFORM sku_list_writer();
  IF TG_OP = 'INSERT' THEN
    PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
      SELECT l.inventory_model_id AS m, n.sku_id AS s, count(*)::int AS c FROM new_rows n
      JOIN inventory_stock_locations l ON l.stock_location_id = n.stock_location_id GROUP BY 1, 2) g;
  ELSE
    PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
      SELECT l.inventory_model_id AS m, o.sku_id AS s, -count(*)::int AS c FROM old_rows o
      JOIN inventory_stock_locations l ON l.stock_location_id = o.stock_location_id GROUP BY 1, 2) g;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "stock_item_visibility_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sku_list_writer();
  PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
    SELECT l.inventory_model_id AS m, old.sku_id AS s, -1 AS c FROM inventory_stock_locations l
    WHERE l.stock_location_id = old.stock_location_id
    UNION ALL
    SELECT l.inventory_model_id, new.sku_id, 1 FROM inventory_stock_locations l
    WHERE l.stock_location_id = new.stock_location_id) g;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "stock_items_visibility_insert" AFTER INSERT ON "stock_items"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "stock_items_visibility"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_visibility_delete" AFTER DELETE ON "stock_items"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "stock_items_visibility"();
--> statement-breakpoint
CREATE TRIGGER "stock_items_visibility_update" AFTER UPDATE OF sku_id, stock_location_id ON "stock_items"
  FOR EACH ROW WHEN (old.sku_id IS DISTINCT FROM new.sku_id OR old.stock_location_id IS DISTINCT FROM new.stock_location_id)
  EXECUTE FUNCTION "stock_item_visibility_moved"();
--> statement-breakpoint
-- a stock location joining or leaving a model: every stock item in it, for that model
CREATE FUNCTION "inventory_locations_visibility"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sku_list_exclusive();
  IF TG_OP = 'INSERT' THEN
    PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
      SELECT n.inventory_model_id AS m, si.sku_id AS s, count(*)::int AS c FROM new_rows n
      JOIN stock_items si ON si.stock_location_id = n.stock_location_id GROUP BY 1, 2) g;
  ELSE
    PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
      SELECT o.inventory_model_id AS m, si.sku_id AS s, -count(*)::int AS c FROM old_rows o
      JOIN stock_items si ON si.stock_location_id = o.stock_location_id GROUP BY 1, 2) g;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "inventory_location_visibility_moved"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sku_list_exclusive();
  PERFORM sku_visibility_apply(array_agg(g.m), array_agg(g.s), array_agg(g.c)) FROM (
    SELECT old.inventory_model_id AS m, si.sku_id AS s, -1 AS c FROM stock_items si
    WHERE si.stock_location_id = old.stock_location_id
    UNION ALL
    SELECT new.inventory_model_id, si.sku_id, 1 FROM stock_items si
    WHERE si.stock_location_id = new.stock_location_id) g;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "inventory_stock_locations_visibility_insert" AFTER INSERT ON "inventory_stock_locations"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_locations_visibility"();
--> statement-breakpoint
CREATE TRIGGER "inventory_stock_locations_visibility_delete" AFTER DELETE ON "inventory_stock_locations"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "inventory_locations_visibility"();
--> statement-breakpoint
CREATE TRIGGER "inventory_stock_locations_visibility_update"
  AFTER UPDATE OF inventory_model_id, stock_location_id ON "inventory_stock_locations" FOR EACH ROW
  WHEN (old.inventory_model_id IS DISTINCT FROM new.inventory_model_id
    OR old.stock_location_id IS DISTINCT FROM new.stock_location_id)
  EXECUTE FUNCTION "inventory_location_visibility_moved"();
--> statement-breakpoint
CREATE FUNCTION "skus_list_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM sku_list_writer();
  IF TG_OP = 'INSERT' THEN
    INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
    SELECT n.mode, 'all:' || n.mode, mk.mark_at, mk.mark_id, count(*) FROM new_rows n
      CROSS JOIN LATERAL sku_list_mark(n.mode, n.created_at, n.id) mk GROUP BY 1, 2, 3, 4;
  ELSE
    INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
    SELECT o.mode, 'all:' || o.mode, mk.mark_at, mk.mark_id, -count(*) FROM old_rows o
      CROSS JOIN LATERAL sku_list_mark(o.mode, o.created_at, o.id) mk GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "sku_list_key_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a SKU''s mode and created_at cannot change (list counts are kept by position)' USING ERRCODE = '23514';
END $$;
--> statement-breakpoint
CREATE TRIGGER "skus_list_counts_insert" AFTER INSERT ON "skus"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "skus_list_counts"();
--> statement-breakpoint
CREATE TRIGGER "skus_list_counts_delete" AFTER DELETE ON "skus"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "skus_list_counts"();
--> statement-breakpoint
CREATE TRIGGER "skus_list_key_fixed" BEFORE UPDATE OF mode, created_at ON "skus" FOR EACH ROW
  WHEN (old.mode IS DISTINCT FROM new.mode OR old.created_at IS DISTINCT FROM new.created_at)
  EXECUTE FUNCTION "sku_list_key_fixed"();
--> statement-breakpoint
-- Folds each (scope, bucket)'s deltas into one row (none when they sum to 0). Exact beside concurrent
-- writers: it deletes only the rows its snapshot sees and inserts their sum.
CREATE FUNCTION "sku_list_compact"() RETURNS integer LANGUAGE plpgsql AS $$
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
  RETURN folded;
END $$;
--> statement-breakpoint
-- Splits every bucket of more than 2 × p_size SKUs into buckets of p_size and recounts them for every
-- scope. Returns the number of marks added.
CREATE FUNCTION "sku_list_rebalance"(p_size integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  r record;
  hi_at timestamptz;
  hi_id text;
  added integer := 0;
  k integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM sku_list_counts c WHERE c.scope = 'all:' || c.mode
      GROUP BY c.scope, c.mark_at, c.mark_id HAVING sum(c.n) > 2 * p_size) THEN
    RETURN 0;
  END IF;
  PERFORM sku_list_exclusive();
  FOR r IN SELECT c.mode, c.mark_at, c.mark_id FROM sku_list_counts c WHERE c.scope = 'all:' || c.mode
      GROUP BY 1, 2, 3 HAVING sum(c.n) > 2 * p_size LOOP
    SELECT m.created_at, m.id INTO hi_at, hi_id FROM sku_list_marks m
      WHERE m.mode = r.mode AND (m.created_at, m.id) > (r.mark_at, r.mark_id) ORDER BY 1, 2 LIMIT 1;
    IF NOT FOUND THEN hi_at := 'infinity'; hi_id := ''; END IF;
    -- the bucket's SKUs numbered in list order: bucket b holds numbers b × p_size … (b + 1) × p_size - 1
    CREATE TEMP TABLE IF NOT EXISTS sku_list_split (b integer, created_at timestamptz, id text) ON COMMIT DROP;
    TRUNCATE sku_list_split;
    INSERT INTO sku_list_split
    SELECT (row_number() OVER (ORDER BY s.created_at, s.id) - 1) / p_size, s.created_at, s.id FROM skus s
    WHERE s.mode = r.mode AND (s.created_at, s.id) >= (r.mark_at, r.mark_id) AND (s.created_at, s.id) < (hi_at, hi_id);
    ANALYZE sku_list_split;
    INSERT INTO sku_list_marks (mode, created_at, id)
    SELECT DISTINCT ON (b) r.mode, x.created_at, x.id FROM sku_list_split x WHERE x.b > 0 ORDER BY b, created_at, id
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS k = ROW_COUNT;
    added := added + k;
    DELETE FROM sku_list_counts c WHERE c.mode = r.mode AND c.mark_at = r.mark_at AND c.mark_id = r.mark_id;
    WITH m AS (
      SELECT DISTINCT ON (b) b, CASE WHEN b = 0 THEN r.mark_at ELSE x.created_at END AS mark_at,
        CASE WHEN b = 0 THEN r.mark_id ELSE x.id END AS mark_id
      FROM sku_list_split x ORDER BY b, x.created_at, x.id
    ), n AS (
      SELECT 'all:' || r.mode AS scope, x.b, count(*) AS n FROM sku_list_split x GROUP BY 2
      UNION ALL
      SELECT v.inventory_model_id, x.b, count(*) FROM inventory_models im CROSS JOIN sku_list_split x
        JOIN sku_visibility v ON v.inventory_model_id = im.id AND v.sku_id = x.id
      WHERE im.mode = r.mode GROUP BY 1, 2
    )
    INSERT INTO sku_list_counts (mode, scope, mark_at, mark_id, n)
    SELECT r.mode, n.scope, m.mark_at, m.mark_id, n.n FROM n JOIN m ON m.b = n.b;
  END LOOP;
  RETURN added;
END $$;
--> statement-breakpoint
INSERT INTO "sku_visibility" (inventory_model_id, sku_id, sku_created_at, items)
SELECT l.inventory_model_id, si.sku_id, min(s.created_at), count(*) FROM stock_items si
  JOIN inventory_stock_locations l ON l.stock_location_id = si.stock_location_id
  JOIN skus s ON s.id = si.sku_id GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO "sku_list_counts" (mode, scope, mark_at, mark_id, n)
SELECT mode, 'all:' || mode, '-infinity', '', count(*) FROM skus GROUP BY mode;
--> statement-breakpoint
INSERT INTO "sku_list_counts" (mode, scope, mark_at, mark_id, n)
SELECT im.mode, v.inventory_model_id, '-infinity', '', count(*) FROM sku_visibility v
  JOIN inventory_models im ON im.id = v.inventory_model_id GROUP BY 1, 2;
