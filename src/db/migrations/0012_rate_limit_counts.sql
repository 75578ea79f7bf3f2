-- UNLOGGED and the function below are written by hand (drizzle-kit can express neither): counts need
-- no crash safety nor replication.
CREATE UNLOGGED TABLE "rate_limit_counts" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"total" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limit_counts_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
-- One reconciliation of one Allot process (http/rate-limit-store.ts), for each (key, window): the
-- process has admitted `own` requests, the table holds `stored` for it (admitted + allowance it
-- held), and it would like `want` more, provided the total stays within `cap`. Rows are locked in
-- (key, window) order, so concurrent reconciliations serialise per key without deadlocks, and each
-- sees what the others stored. Returns what the others hold and the allowance granted.
CREATE FUNCTION "rate_limit_sync"(p_keys text[], p_starts int8[], p_owns int4[], p_storeds int4[], p_wants int4[], p_caps int4[])
RETURNS TABLE ("key" text, "window_start" int8, "others" int4, "granted" int4) LANGUAGE plpgsql AS $$
DECLARE
  i int;
  t int4;
  g int4;
BEGIN
  FOR i IN SELECT s.i FROM generate_subscripts(p_keys, 1) AS s(i) ORDER BY p_keys[s.i], p_starts[s.i] LOOP
    IF p_owns[i] = p_storeds[i] AND p_wants[i] = 0 THEN
      SELECT r.total INTO t FROM rate_limit_counts r WHERE r.key = p_keys[i] AND r.window_start = p_starts[i];
      key := p_keys[i]; window_start := p_starts[i]; others := coalesce(t, 0) - p_storeds[i]; granted := 0;
      RETURN NEXT;
      CONTINUE;
    END IF;
    INSERT INTO rate_limit_counts AS r (key, window_start, total) VALUES (p_keys[i], p_starts[i], 0)
      ON CONFLICT DO NOTHING;
    SELECT r.total INTO t FROM rate_limit_counts r WHERE r.key = p_keys[i] AND r.window_start = p_starts[i] FOR UPDATE;
    others := t - p_storeds[i];
    g := greatest(0, least(p_wants[i], p_caps[i] - others - p_owns[i]));
    UPDATE rate_limit_counts r SET total = others + p_owns[i] + g, updated_at = now()
      WHERE r.key = p_keys[i] AND r.window_start = p_starts[i];
    key := p_keys[i]; window_start := p_starts[i]; granted := g;
    RETURN NEXT;
  END LOOP;
END
$$;
