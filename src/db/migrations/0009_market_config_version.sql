CREATE TABLE "market_config_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"n" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "market_config_version_single_row" CHECK ("market_config_version"."id" = 1)
);
--> statement-breakpoint
INSERT INTO "market_config_version" ("id", "n") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION "market_config_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "market_config_version" SET "n" = "n" + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "markets_config_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "markets"
  FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "inventory_models_config_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "inventory_models"
  FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "inventory_stock_locations_config_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "inventory_stock_locations"
  FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "delivery_lead_times_config_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "delivery_lead_times"
  FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "shipping_methods_config_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "shipping_methods"
  FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
