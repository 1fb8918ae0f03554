-- 一张图 and 第三方服务机构: a spatial index for the risk map, and third-party safety service agencies
-- with their contracts (clients), ratings and platform score.

-- The risk map's box query (`point(lon, lat) <@ box`) is a GiST index scan, not a scan of the register.
CREATE INDEX enterprise_location_idx ON supervision.enterprise USING gist (point(lon, lat));

-- The statistics count hazards found or closed in a year per district: one index per date.
CREATE INDEX hazard_found_idx ON supervision.hazard (found_at);
CREATE INDEX hazard_closed_idx ON supervision.hazard (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX inspection_conducted_idx ON supervision.inspection (conducted_at);

CREATE TABLE supervision.service_agency (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  credit_code    text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
  -- The platform's score (see domain/agencyScore.ts), kept in the same transaction as every
  -- inspection hazard that changes it.
  score          double precision NOT NULL DEFAULT 100 CHECK (score BETWEEN 0 AND 100),
  -- Set once, when the score first falls below the blacklist threshold; a blacklisted agency takes no new clients.
  blacklisted_at timestamptz,
  registered_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_agency_name_idx ON supervision.service_agency (name, id);

-- An enterprise's contract with an agency; the contract period starts at `contracted_at`.
CREATE TABLE supervision.agency_contract (
  agency_id     uuid NOT NULL REFERENCES supervision.service_agency (id),
  enterprise_id uuid NOT NULL REFERENCES supervision.enterprise (id),
  contracted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, enterprise_id)
);
CREATE INDEX agency_contract_enterprise_idx ON supervision.agency_contract (enterprise_id);

-- One rating per client and agency; a new rating replaces the old one.
CREATE TABLE supervision.agency_rating (
  agency_id     uuid NOT NULL,
  enterprise_id uuid NOT NULL,
  stars         smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  comment       text,
  rated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agency_id, enterprise_id),
  FOREIGN KEY (agency_id, enterprise_id) REFERENCES supervision.agency_contract (agency_id, enterprise_id)
);

-- The agency that assessed a risk point or reported a hazard, if one did.
ALTER TABLE supervision.risk_point ADD COLUMN agency_id uuid REFERENCES supervision.service_agency (id);
ALTER TABLE supervision.hazard ADD COLUMN agency_id uuid REFERENCES supervision.service_agency (id);
