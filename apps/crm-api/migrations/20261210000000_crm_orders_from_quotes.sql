-- Orders are placed from shop quotes (OrderItem.quoteId); orders of the former fixed
-- catalogue keep their sku.
ALTER TABLE orders ADD COLUMN quote_id uuid;
ALTER TABLE orders ALTER COLUMN sku DROP NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_item_check CHECK (quote_id IS NOT NULL OR sku IS NOT NULL);
