DROP INDEX "skus_mode_code_prefix_idx";--> statement-breakpoint
CREATE INDEX "skus_mode_code_prefix_idx" ON "skus" USING btree ("mode",lower("code") text_pattern_ops,"code");--> statement-breakpoint
-- the planner estimates a prefix range from the index expression's statistics, which only ANALYZE gathers
-- (an empty table is left as it was: never analyzed, so the server's warm start analyzes it)
DO $$ BEGIN IF EXISTS (SELECT 1 FROM "skus") THEN ANALYZE "skus"; END IF; END $$;