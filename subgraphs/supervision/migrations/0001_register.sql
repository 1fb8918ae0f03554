-- The supervision register: enterprises, their risk points, hidden dangers and inspections.
CREATE TABLE supervision.enterprise (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  credit_code   text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  category      text NOT NULL CHECK (category IN ('HAZARDOUS_CHEMICALS', 'NON_COAL_MINE', 'INDUSTRY_AND_TRADE',
                  'FIREWORKS', 'CROWDED_PLACE', 'CATERING', 'SMALL_VENUE', 'OFFICE_BUILDING')),
  tier          text NOT NULL CHECK (tier IN ('HIGH_RISK', 'ABOVE_SCALE', 'SMALL')),
  district_code text NOT NULL CHECK (district_code ~ '^[0-9]{6}$'),
  address       text NOT NULL,
  lat           double precision CHECK (lat BETWEEN -90 AND 90),
  lon           double precision CHECK (lon BETWEEN -180 AND 180),
  -- Highest level of the enterprise's risk points, kept in the same transaction as every
  -- assessment so that filtering and sorting by it stay index scans.
  risk_level    text CHECK (risk_level IN ('MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW')),
  registered_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
-- Listing is ordered by (name, id) for keyset pagination; each filter leads its own index.
CREATE INDEX enterprise_name_idx ON supervision.enterprise (name, id);
CREATE INDEX enterprise_district_idx ON supervision.enterprise (district_code, name, id);
CREATE INDEX enterprise_tier_idx ON supervision.enterprise (tier, name, id);
CREATE INDEX enterprise_category_idx ON supervision.enterprise (category, name, id);
CREATE INDEX enterprise_risk_idx ON supervision.enterprise (risk_level, name, id);

CREATE TABLE supervision.risk_point (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id    uuid NOT NULL REFERENCES supervision.enterprise (id),
  name             text NOT NULL,
  level            text NOT NULL CHECK (level IN ('MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW')),
  method           text NOT NULL CHECK (method IN ('LEC', 'RISK_MATRIX')),
  score            double precision NOT NULL CHECK (score > 0),
  -- The assessment's inputs (L, E, C or L, S), kept so a grade can be re-derived and audited.
  factors          jsonb NOT NULL,
  control_measures text[] NOT NULL,
  control_tier     text NOT NULL CHECK (control_tier IN ('COMPANY', 'WORKSHOP', 'TEAM', 'POST')),
  assessed_at      timestamptz NOT NULL DEFAULT now(),
  assessed_by      text NOT NULL
);
CREATE INDEX risk_point_enterprise_idx ON supervision.risk_point (enterprise_id);

CREATE TABLE supervision.hazard (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id uuid NOT NULL REFERENCES supervision.enterprise (id),
  description   text NOT NULL,
  level         text NOT NULL CHECK (level IN ('GENERAL', 'MAJOR')),
  status        text NOT NULL CHECK (status IN ('REPORTED', 'RECTIFYING', 'PENDING_VERIFICATION', 'CLOSED')),
  source        text NOT NULL CHECK (source IN ('SELF_CHECK', 'SERVICE_AGENCY', 'GRID_PATROL', 'INSPECTION')),
  found_by      text NOT NULL,
  found_at      timestamptz NOT NULL DEFAULT now(),
  deadline      date NOT NULL,
  plan          jsonb,
  closed_at     timestamptz,
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE INDEX hazard_enterprise_idx ON supervision.hazard (enterprise_id, found_at DESC);
CREATE INDEX hazard_open_deadline_idx ON supervision.hazard (deadline) WHERE status <> 'CLOSED';

-- Append-only trail of every hazard step: who moved it, from where to where, and why.
CREATE TABLE supervision.hazard_event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  hazard_id   uuid NOT NULL REFERENCES supervision.hazard (id),
  action      text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  actor       text NOT NULL,
  note        text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hazard_event_hazard_idx ON supervision.hazard_event (hazard_id, id);

CREATE TABLE supervision.inspection (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  enterprise_id uuid NOT NULL REFERENCES supervision.enterprise (id),
  conducted_at  timestamptz NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('PLANNED', 'RANDOM', 'COMPLAINT', 'CLUE', 'REVIEW')),
  inspectors    text[] NOT NULL CHECK (cardinality(inspectors) >= 1),
  findings      text NOT NULL,
  result        text NOT NULL CHECK (result IN ('COMPLIANT', 'RECTIFICATION_ORDERED', 'PENALTY'))
);
CREATE INDEX inspection_enterprise_idx ON supervision.inspection (enterprise_id, conducted_at DESC);
