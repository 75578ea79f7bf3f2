-- Warm start (src/ops/warm.ts) rehearses each connection's statements in a transaction that always rolls
-- back, with a stock location and an inventory model of its own. Linking them took the exclusive list lock
-- (sku_list_exclusive): the rehearsals of a starting process queued behind each other and behind every
-- open stock item or SKU writer (an import holds its shared lock for as long as it runs), and while one
-- waited, every new writer queued behind it. A transaction that says it will roll back
-- (SET LOCAL allot.rehearsal = 'rollback') skips that lock: nothing it counts can be seen by anyone,
-- and it cannot commit — the first skip records it, and a deferred trigger refuses the commit.
CREATE TABLE "sku_list_rehearsals" ("xid" xid8 NOT NULL);
--> statement-breakpoint
CREATE FUNCTION "sku_list_rehearsal_commit"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a rehearsal (allot.rehearsal = rollback) skipped the list lock: it must roll back'
    USING ERRCODE = '25000';
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "sku_list_rehearsals_roll_back" AFTER INSERT ON "sku_list_rehearsals"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "sku_list_rehearsal_commit"();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "sku_list_exclusive"() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'stock locations of inventory models change only in read committed transactions'
      USING ERRCODE = '25001';
  END IF;
  IF current_setting('allot.rehearsal', true) = 'rollback' THEN
    INSERT INTO sku_list_rehearsals VALUES (pg_current_xact_id());
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('allot.sku_list'));
  UPDATE sku_list_epoch SET n = n + 1;
END $$;
