CREATE TABLE "exports" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resource_type" text NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"interrupted_at" timestamp (3) with time zone,
	"processed_count" integer DEFAULT 0 NOT NULL,
	"errors_log" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" jsonb NOT NULL,
	"includes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dry_data" boolean DEFAULT false NOT NULL,
	"records_count" integer NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"estimated_completion_at" timestamp (3) with time zone,
	CONSTRAINT "exports_status_check" CHECK ("exports"."status" in ('pending', 'in_progress', 'interrupted', 'completed', 'failed')),
	CONSTRAINT "exports_format_check" CHECK ("exports"."format" in ('json', 'csv'))
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resource_type" text NOT NULL,
	"format" text DEFAULT 'json' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone,
	"interrupted_at" timestamp (3) with time zone,
	"processed_count" integer DEFAULT 0 NOT NULL,
	"errors_log" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" jsonb NOT NULL,
	"parent_resource_id" text,
	"skip_errors" boolean DEFAULT false NOT NULL,
	"inputs_size" integer NOT NULL,
	"errors_count" integer DEFAULT 0 NOT NULL,
	"warnings_count" integer DEFAULT 0 NOT NULL,
	"warnings_log" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cursor" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "imports_status_check" CHECK ("imports"."status" in ('pending', 'in_progress', 'interrupted', 'completed')),
	CONSTRAINT "imports_format_check" CHECK ("imports"."format" in ('json', 'csv'))
);
--> statement-breakpoint
CREATE TABLE "job_attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"content" "bytea" NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"mode" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "exports_mode_created_idx" ON "exports" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "imports_mode_created_idx" ON "imports" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "imports_status_idx" ON "imports" USING btree ("status");--> statement-breakpoint
-- `allot import` writes a batch's ledger rows itself, in the statement that changes the stock items
-- (one set-based insert, not a PL/pgSQL call per row): it sets allot.ledger_by_statement for those
-- statements only, and the row trigger stands aside (hand-written: drizzle-kit does not model triggers).
DROP TRIGGER "stock_items_ledger" ON "stock_items";--> statement-breakpoint
CREATE TRIGGER "stock_items_ledger" AFTER INSERT OR DELETE OR UPDATE OF quantity, reserved_quantity ON "stock_items"
  FOR EACH ROW WHEN (current_setting('allot.ledger_by_statement', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION "stock_movement"();
--> statement-breakpoint
-- imports and exports fire create, start, complete, interrupt and destroy through 0015's record_events()
-- (hand-written, as in 0015)
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['imports', 'exports'] LOOP
    IF to_regclass('public.' || t) IS NOT NULL THEN
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I FOR EACH ROW EXECUTE FUNCTION record_events()', t || '_events_0_create', t);
      EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF status ON %I FOR EACH ROW WHEN (old.status IS DISTINCT FROM new.status)
        EXECUTE FUNCTION record_events(%L, %L, %L, %L)', t || '_events_1_status', t, 'status', 'in_progress=start', 'completed=complete', 'interrupted=interrupt');
      EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION record_events()', t || '_events_2_destroy', t);
    END IF;
  END LOOP;
END $$;
