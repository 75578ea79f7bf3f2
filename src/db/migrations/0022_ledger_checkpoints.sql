-- Ledger checkpoints (docs/ledger-and-check.md#checkpoints): `allot check` records, per stock item, the
-- ledger balance it verified as of its snapshot, and the snapshot itself in ledger_check_runs; the next
-- check adds only the movements whose transaction that snapshot did not see, so its cost follows what
-- moved since, not the ledger's history. Only checks write these tables.
CREATE TABLE "ledger_check_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"snapshot" text NOT NULL,
	"open_since" timestamp (3) with time zone NOT NULL,
	"full" boolean NOT NULL,
	"items_checked" integer NOT NULL,
	"drift" integer NOT NULL,
	"milliseconds" integer NOT NULL,
	"checked_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_checkpoints" (
	"stock_item_id" text PRIMARY KEY NOT NULL,
	"movement_id" bigint NOT NULL,
	"quantity" integer NOT NULL,
	"reserved_quantity" integer NOT NULL,
	"checked_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- a checkpoint is rewritten in place when its stock item moves: room on the page keeps the update HOT
ALTER TABLE "ledger_checkpoints" SET (fillfactor = 90);
