CREATE TABLE "event_callbacks" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"webhook_id" text NOT NULL,
	"event_id" text NOT NULL,
	"delivery_id" bigint NOT NULL,
	"callback_url" text NOT NULL,
	"payload" jsonb,
	"response_code" text,
	"response_message" text
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "in_stock_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"customer_email" text NOT NULL,
	"sku_code" text NOT NULL,
	"sku_id" text NOT NULL,
	"market_id" text NOT NULL,
	"stock_threshold" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "in_stock_subscriptions_status_check" CHECK ("in_stock_subscriptions"."status" in ('active', 'inactive', 'notified')),
	CONSTRAINT "in_stock_subscriptions_threshold_check" CHECK ("in_stock_subscriptions"."stock_threshold" >= 1)
);
--> statement-breakpoint
CREATE TABLE "sku_market_stock" (
	"sku_id" text NOT NULL,
	"market_id" text NOT NULL,
	"mode" text NOT NULL,
	"available" boolean NOT NULL,
	"quantity" integer NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stock_watch" (
	"id" integer PRIMARY KEY NOT NULL,
	"next_xid" bigint,
	"config_version" bigint
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"webhook_id" text NOT NULL,
	"topic" text NOT NULL,
	"resource_type" text NOT NULL,
	"resource_id" text NOT NULL,
	"snapshot" jsonb,
	"market_id" text,
	"payload" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status_check" CHECK ("webhook_deliveries"."status" in ('pending', 'delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"reference" text,
	"reference_origin" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"name" text,
	"topic" text NOT NULL,
	"event_id" text NOT NULL,
	"callback_url" text NOT NULL,
	"include_resources" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"shared_secret" text NOT NULL,
	"disabled_at" timestamp (3) with time zone,
	"circuit_state" text DEFAULT 'closed' NOT NULL,
	"circuit_failure_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "webhooks_circuit_state_check" CHECK ("webhooks"."circuit_state" in ('closed', 'open'))
);
--> statement-breakpoint
ALTER TABLE "event_callbacks" ADD CONSTRAINT "event_callbacks_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "event_callbacks" ADD CONSTRAINT "event_callbacks_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_stock_subscriptions" ADD CONSTRAINT "in_stock_subscriptions_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "in_stock_subscriptions" ADD CONSTRAINT "in_stock_subscriptions_market_id_markets_id_fk" FOREIGN KEY ("market_id") REFERENCES "public"."markets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_market_stock" ADD CONSTRAINT "sku_market_stock_sku_id_skus_id_fk" FOREIGN KEY ("sku_id") REFERENCES "public"."skus"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_market_stock" ADD CONSTRAINT "sku_market_stock_market_id_markets_id_fk" FOREIGN KEY ("market_id") REFERENCES "public"."markets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "event_callbacks_webhook_idx" ON "event_callbacks" USING btree ("webhook_id","created_at");--> statement-breakpoint
CREATE INDEX "event_callbacks_event_idx" ON "event_callbacks" USING btree ("event_id","created_at");--> statement-breakpoint
CREATE INDEX "event_callbacks_mode_created_idx" ON "event_callbacks" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_mode_name_key" ON "events" USING btree ("mode","name");--> statement-breakpoint
CREATE INDEX "events_mode_created_idx" ON "events" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "in_stock_subscriptions_watch_idx" ON "in_stock_subscriptions" USING btree ("sku_id","market_id") WHERE "in_stock_subscriptions"."status" = 'active';--> statement-breakpoint
CREATE INDEX "in_stock_subscriptions_market_idx" ON "in_stock_subscriptions" USING btree ("market_id");--> statement-breakpoint
CREATE INDEX "in_stock_subscriptions_mode_created_idx" ON "in_stock_subscriptions" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "sku_market_stock_key" ON "sku_market_stock" USING btree ("sku_id","market_id");--> statement-breakpoint
CREATE INDEX "sku_market_stock_market_idx" ON "sku_market_stock" USING btree ("market_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at","id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_resource_idx" ON "webhook_deliveries" USING btree ("resource_type","resource_id","id") WHERE "webhook_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "webhook_deliveries_topic_idx" ON "webhook_deliveries" USING btree ("mode","topic","id");--> statement-breakpoint
CREATE INDEX "webhooks_listening_idx" ON "webhooks" USING btree ("mode","topic") WHERE "webhooks"."disabled_at" is null;--> statement-breakpoint
CREATE INDEX "webhooks_event_idx" ON "webhooks" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "webhooks_mode_created_idx" ON "webhooks" USING btree ("mode","created_at","id");--> statement-breakpoint
CREATE INDEX "stock_movements_txid_idx" ON "stock_movements" USING btree ("txid");--> statement-breakpoint
-- Hand-written below (drizzle-kit does not model triggers). The outbox: a change of a resource that
-- Commerce Layer names a topic for (`orders.place`, `shipments.ship`…) records one delivery per
-- enabled webhook listening to that topic in its mode, in the same transaction as the change, with
-- the row as of the event. One indexed INSERT … SELECT: nothing is written when nobody listens.
-- `allot.events = off` (set_config, transaction-local) records nothing, as Commerce Layer's imports.
-- Arguments: the column whose new value names a topic ('' for none), then value=verb pairs ('*' is
-- any non-null value). INSERT records `{table}.create`, then the column's topic if the value maps.
CREATE FUNCTION "record_events"() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER "orders_events_0_create" AFTER INSERT ON "orders" FOR EACH ROW EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "orders_events_1_status" AFTER UPDATE OF "status" ON "orders" FOR EACH ROW
  WHEN (old.status IS DISTINCT FROM new.status)
  EXECUTE FUNCTION "record_events"('status', 'placed=place', 'approved=approve', 'cancelled=cancel');
--> statement-breakpoint
CREATE TRIGGER "orders_events_2_fulfillment" AFTER UPDATE OF "fulfillment_status" ON "orders" FOR EACH ROW
  WHEN (old.fulfillment_status IS DISTINCT FROM new.fulfillment_status)
  EXECUTE FUNCTION "record_events"('fulfillment_status', 'in_progress=start_fulfilling', 'fulfilled=fulfill');
--> statement-breakpoint
CREATE TRIGGER "orders_events_3_destroy" AFTER DELETE ON "orders" FOR EACH ROW EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "shipments_events_0_create" AFTER INSERT ON "shipments" FOR EACH ROW
  EXECUTE FUNCTION "record_events"('status', 'upcoming=upcoming', 'on_hold=on_hold', 'picking=picking');
--> statement-breakpoint
CREATE TRIGGER "shipments_events_1_status" AFTER UPDATE OF "status" ON "shipments" FOR EACH ROW
  WHEN (old.status IS DISTINCT FROM new.status)
  EXECUTE FUNCTION "record_events"('status', 'upcoming=upcoming', 'on_hold=on_hold', 'picking=picking', 'packing=packing',
    'ready_to_ship=ready_to_ship', 'shipped=ship', 'delivered=deliver', 'cancelled=cancel');
--> statement-breakpoint
CREATE TRIGGER "stock_transfers_events_0_create" AFTER INSERT ON "stock_transfers" FOR EACH ROW
  EXECUTE FUNCTION "record_events"('status', 'upcoming=upcoming', 'on_hold=on_hold', 'picking=picking');
--> statement-breakpoint
CREATE TRIGGER "stock_transfers_events_1_status" AFTER UPDATE OF "status" ON "stock_transfers" FOR EACH ROW
  WHEN (old.status IS DISTINCT FROM new.status)
  EXECUTE FUNCTION "record_events"('status', 'upcoming=upcoming', 'on_hold=on_hold', 'picking=picking',
    'in_transit=in_transit', 'completed=complete', 'cancelled=cancel');
--> statement-breakpoint
CREATE TRIGGER "stock_transfers_events_2_destroy" AFTER DELETE ON "stock_transfers" FOR EACH ROW EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "returns_events_0_create" AFTER INSERT ON "returns" FOR EACH ROW EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "returns_events_1_status" AFTER UPDATE OF "status" ON "returns" FOR EACH ROW
  WHEN (old.status IS DISTINCT FROM new.status)
  EXECUTE FUNCTION "record_events"('status', 'requested=request', 'approved=approve', 'shipped=ship', 'received=receive',
    'cancelled=cancel');
--> statement-breakpoint
CREATE TRIGGER "returns_events_2_restock" AFTER UPDATE OF "restocked_at" ON "returns" FOR EACH ROW
  WHEN (old.restocked_at IS NULL AND new.restocked_at IS NOT NULL)
  EXECUTE FUNCTION "record_events"('restocked_at', '*=restock');
--> statement-breakpoint
CREATE TRIGGER "returns_events_3_destroy" AFTER DELETE ON "returns" FOR EACH ROW EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "in_stock_subscriptions_events_0_create" AFTER INSERT ON "in_stock_subscriptions" FOR EACH ROW
  EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
CREATE TRIGGER "in_stock_subscriptions_events_1_status" AFTER UPDATE OF "status" ON "in_stock_subscriptions" FOR EACH ROW
  WHEN (old.status IS DISTINCT FROM new.status)
  EXECUTE FUNCTION "record_events"('status', 'active=activate', 'inactive=deactivate', 'notified=notify');
--> statement-breakpoint
CREATE TRIGGER "in_stock_subscriptions_events_2_destroy" AFTER DELETE ON "in_stock_subscriptions" FOR EACH ROW
  EXECUTE FUNCTION "record_events"();
--> statement-breakpoint
INSERT INTO "stock_watch" ("id", "next_xid", "config_version") VALUES (1, NULL, NULL);
