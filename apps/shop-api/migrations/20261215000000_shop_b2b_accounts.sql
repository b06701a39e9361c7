-- B2B part 2: an organisation acts in the shop as a customer account of kind ORGANISATION with
-- the organisation's id (the CRM's organisations are accounts with the same id), so its model
-- files, quotes and orders are owned like a person's. Such a row has no password and an email
-- that is no address (it cannot be registered or logged in with): login only finds PERSON rows.
ALTER TABLE customers ADD COLUMN kind text NOT NULL DEFAULT 'PERSON'
  CHECK (kind IN ('PERSON', 'ORGANISATION'));
ALTER TABLE customers ALTER COLUMN password_hash DROP NOT NULL;
ALTER TABLE customers ADD CONSTRAINT customers_password_check
  CHECK ((kind = 'PERSON') = (password_hash IS NOT NULL));

-- Which channel a quote or order came through: B2B ones cause webhooks.
ALTER TABLE quotes ADD COLUMN channel text NOT NULL DEFAULT 'B2C' CHECK (channel IN ('B2C', 'B2B'));
ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'B2C' CHECK (channel IN ('B2C', 'B2B'));

-- Organisations projected before this migration get their account now (later ones get it from
-- the organisation.changed handler, in its transaction).
INSERT INTO customers (id, kind, email, name, password_hash)
SELECT id, 'ORGANISATION', 'organisation:' || id::text, name, NULL FROM b2b_organisations
ON CONFLICT (id) DO NOTHING;
