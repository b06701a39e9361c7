-- The shop floor and what it charges: machines (what a part must fit, what a work order runs
-- on) and versioned price lists (exactly one active; the pricing worker prices against it).
CREATE TABLE machines (
  id text PRIMARY KEY,
  name text NOT NULL,
  technology text NOT NULL CHECK (technology IN ('FDM', 'SLA', 'SLS', 'MJF')),
  build_x_mm numeric NOT NULL CHECK (build_x_mm > 0),
  build_y_mm numeric NOT NULL CHECK (build_y_mm > 0),
  build_z_mm numeric NOT NULL CHECK (build_z_mm > 0),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO machines (id, name, technology, build_x_mm, build_y_mm, build_z_mm) VALUES
  ('fdm-1', 'Prusa XL #1', 'FDM', 360, 360, 360),
  ('fdm-2', 'Prusa MK4 #2', 'FDM', 250, 210, 220),
  ('fdm-3', 'Bambu X1 #3', 'FDM', 256, 256, 256),
  ('sla-1', 'Form 4 #1', 'SLA', 200, 125, 210),
  ('sla-2', 'Form 4 #2', 'SLA', 200, 125, 210),
  ('sls-1', 'Fuse 1+ #1', 'SLS', 165, 165, 300),
  ('mjf-1', 'HP MJF 5200 #1', 'MJF', 380, 284, 380);

CREATE TABLE price_lists (
  version text PRIMARY KEY,
  -- The whole list as the pricing engine reads it (validated by validatePriceList on use).
  body jsonb NOT NULL,
  active boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  activated_at timestamptz
);
CREATE UNIQUE INDEX price_lists_one_active ON price_lists (active) WHERE active;
INSERT INTO price_lists (version, body, active, activated_at) VALUES (
  '2026-12-01',
  '{
    "version": "2026-12-01",
    "currency": "EUR",
    "materials": [
      {"id": "pla-black", "name": "PLA, black", "technology": "FDM", "pricePerCm3Cents": 12, "densityGPerCm3": 1.24},
      {"id": "petg-clear", "name": "PETG, clear", "technology": "FDM", "pricePerCm3Cents": 15, "densityGPerCm3": 1.27},
      {"id": "resin-grey", "name": "Standard resin, grey", "technology": "SLA", "pricePerCm3Cents": 28, "densityGPerCm3": 1.18},
      {"id": "pa12-sls", "name": "PA12 nylon (SLS)", "technology": "SLS", "pricePerCm3Cents": 32, "densityGPerCm3": 0.95},
      {"id": "pa12-mjf", "name": "PA12 nylon (MJF)", "technology": "MJF", "pricePerCm3Cents": 30, "densityGPerCm3": 1.01}
    ],
    "supportPricePerCm3Cents": 6,
    "machineHourlyRateCents": {"FDM": 600, "SLA": 1400, "SLS": 4200, "MJF": 5200},
    "setupFeePerBuildCents": 500,
    "postProcessingPerPartCents": 150,
    "minimumPriceCents": 1500,
    "quantityBreaks": [{"minQuantity": 10, "discountPercent": 5}, {"minQuantity": 50, "discountPercent": 10}, {"minQuantity": 250, "discountPercent": 15}],
    "leadTimes": {
      "ECONOMY": {"multiplier": 0.9, "businessDays": 10},
      "STANDARD": {"multiplier": 1, "businessDays": 5},
      "EXPRESS": {"multiplier": 1.5, "businessDays": 2}
    },
    "reviewAbovePriceCents": 500000
  }'::jsonb,
  true,
  now()
);

-- A work order made from a quote knows its quote (model stats and price breakdown live with
-- the pricing job) and the machine it is planned on (the pricing engine's pick; operators may
-- change it).
ALTER TABLE work_orders ADD COLUMN quote_id uuid;
ALTER TABLE work_orders ADD COLUMN machine_id text REFERENCES machines (id);
