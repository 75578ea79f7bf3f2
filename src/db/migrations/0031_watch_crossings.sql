-- The stock watcher writes a (SKU, market) state only when its availability crosses (issue 15: at a
-- million SKUs its upsert of every pair a round touched was a tenth of a placement's PostgreSQL
-- time). `quantity` was rewritten on every change and read by nothing: back-in-stock thresholds
-- compare the quantity the round computes.
ALTER TABLE "sku_market_stock" DROP COLUMN "quantity";
