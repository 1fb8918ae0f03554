-- The grid half of the closed loop: clues (线索) with their trail, the events this platform
-- produces (outbox) and consumes (inbox), and the idempotency keys of retried field mutations.
CREATE TABLE grid.clue (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  category       text NOT NULL CHECK (category IN ('GAS', 'FIRE', 'BLOCKED_EXIT', 'ILLEGAL_OPERATION',
                   'HAZARDOUS_MATERIALS', 'OTHER')),
  -- Photo references (URLs or object-store ids) uploaded by the mobile app beforehand.
  photos         text[] NOT NULL DEFAULT '{}',
  lat            double precision CHECK (lat BETWEEN -90 AND 90),
  lon            double precision CHECK (lon BETWEEN -180 AND 180),
  address        text,
  reporter_id    uuid NOT NULL REFERENCES grid.member (id),
  patrol_id      uuid REFERENCES grid.patrol (id),
  -- An enterprise of the supervision platform: referenced by id, never joined.
  enterprise_id  uuid,
  grid_id        uuid NOT NULL REFERENCES grid.grid (id),
  district_code  text NOT NULL,
  status         text NOT NULL CHECK (status IN ('NEW', 'CHECKING', 'RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED',
                   'CASE_OPENED', 'CLOSED')),
  -- The grid member's on-site explanation (RECTIFIED, INVALID or REFUSED).
  explanation    text,
  referred_at    timestamptz,
  -- Written back by the enforcement platform: its task id, the decision and when it was made.
  task_id        text,
  outcome        text,
  decided_at     timestamptz,
  reported_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX clue_status_idx ON grid.clue (status, reported_at DESC, id);
CREATE INDEX clue_enterprise_idx ON grid.clue (enterprise_id, reported_at DESC, id);
CREATE INDEX clue_grid_idx ON grid.clue (grid_id, reported_at DESC, id);
CREATE INDEX clue_district_idx ON grid.clue (district_code, reported_at DESC, id);

CREATE TABLE grid.clue_event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  clue_id     uuid NOT NULL REFERENCES grid.clue (id),
  action      text NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  actor       text NOT NULL,
  note        text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clue_event_clue_idx ON grid.clue_event (clue_id, id);

-- A patrol may report the hazard it found; the supervision platform records it (GRID_PATROL).
ALTER TABLE grid.patrol ADD COLUMN hazard jsonb;

CREATE TABLE grid.outbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream     text NOT NULL,
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX outbox_unsent_idx ON grid.outbox (id) WHERE sent_at IS NULL;

CREATE TABLE grid.inbox (
  stream       text NOT NULL,
  event_key    text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, event_key)
);

-- Mobile clients retry: the first result of each key, and a hash of the request that made it.
CREATE TABLE grid.idempotency_key (
  key          text PRIMARY KEY,
  operation    text NOT NULL,
  request_hash text NOT NULL,
  result       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
