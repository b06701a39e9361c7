-- Orders are placed from READY quotes (one order per quote); the fixed catalogue of the
-- foundation goes away. Orders placed from it keep their sku.
ALTER TABLE orders ADD COLUMN quote_id uuid UNIQUE REFERENCES quotes (id);
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_sku_fkey;
ALTER TABLE orders ALTER COLUMN sku DROP NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_item_check CHECK (quote_id IS NOT NULL OR sku IS NOT NULL);
DROP TABLE catalog_items;
