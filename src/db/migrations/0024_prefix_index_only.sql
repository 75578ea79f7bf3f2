DROP INDEX "skus_mode_code_prefix_idx";--> statement-breakpoint
CREATE INDEX "skus_mode_code_prefix_idx" ON "skus" USING btree ("mode",lower("code") text_pattern_ops,"code");--> statement-breakpoint
-- the planner estimates a prefix range from the index expression's statistics, which only ANALYZE gathers
ANALYZE "skus";