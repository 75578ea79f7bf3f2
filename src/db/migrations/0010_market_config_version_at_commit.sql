-- Move market_config_version when a change commits, not at each statement: the counter row is then
-- locked only once every other row lock is held, so two configuration transactions cannot deadlock
-- on it. Constraint triggers are row-level; TRUNCATE keeps its statement trigger.
DROP TRIGGER "markets_config_version" ON "markets";
--> statement-breakpoint
DROP TRIGGER "inventory_models_config_version" ON "inventory_models";
--> statement-breakpoint
DROP TRIGGER "inventory_stock_locations_config_version" ON "inventory_stock_locations";
--> statement-breakpoint
DROP TRIGGER "delivery_lead_times_config_version" ON "delivery_lead_times";
--> statement-breakpoint
DROP TRIGGER "shipping_methods_config_version" ON "shipping_methods";
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "markets_config_version" AFTER INSERT OR UPDATE OR DELETE ON "markets"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "inventory_models_config_version" AFTER INSERT OR UPDATE OR DELETE ON "inventory_models"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "inventory_stock_locations_config_version" AFTER INSERT OR UPDATE OR DELETE ON "inventory_stock_locations"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "delivery_lead_times_config_version" AFTER INSERT OR UPDATE OR DELETE ON "delivery_lead_times"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "shipping_methods_config_version" AFTER INSERT OR UPDATE OR DELETE ON "shipping_methods"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "markets_config_truncated" AFTER TRUNCATE ON "markets" FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "inventory_models_config_truncated" AFTER TRUNCATE ON "inventory_models" FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "inventory_stock_locations_config_truncated" AFTER TRUNCATE ON "inventory_stock_locations" FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "delivery_lead_times_config_truncated" AFTER TRUNCATE ON "delivery_lead_times" FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
--> statement-breakpoint
CREATE TRIGGER "shipping_methods_config_truncated" AFTER TRUNCATE ON "shipping_methods" FOR EACH STATEMENT EXECUTE FUNCTION "market_config_changed"();
