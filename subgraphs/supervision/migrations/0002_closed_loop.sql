-- The supervision half of the closed loop: events produced (outbox) and consumed (inbox),
-- projections of other platforms' events (alarms, clues), hazard escalation (督办), the
-- enforcement queue's tasks and the documents that close them.
CREATE TABLE supervision.outbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream     text NOT NULL,
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX outbox_unsent_idx ON supervision.outbox (id) WHERE sent_at IS NULL;

CREATE TABLE supervision.inbox (
  stream       text NOT NULL,
  event_key    text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, event_key)
);

-- 督办: set once, when an open hazard is first found past its deadline.
ALTER TABLE supervision.hazard ADD COLUMN escalated_at timestamptz;
-- Where a hazard reported by another platform came from (e.g. 'patrol:<id>'): one hazard per origin.
ALTER TABLE supervision.hazard ADD COLUMN origin_ref text;
CREATE UNIQUE INDEX hazard_origin_idx ON supervision.hazard (origin_ref) WHERE origin_ref IS NOT NULL;

-- The emergency platform's alarms as the `alarms` stream tells them (for ranking, statistics, the map).
CREATE TABLE supervision.alarm_projection (
  alarm_id      uuid PRIMARY KEY,
  device_id     uuid NOT NULL,
  enterprise_id uuid NOT NULL,
  grid_id       uuid,
  district_code text NOT NULL,
  kind          text NOT NULL,
  severity      text NOT NULL,
  status        text NOT NULL,
  raised_at     timestamptz NOT NULL,
  changed_at    timestamptz NOT NULL
);
CREATE INDEX alarm_projection_district_idx ON supervision.alarm_projection (district_code, raised_at DESC);
CREATE INDEX alarm_projection_enterprise_idx ON supervision.alarm_projection (enterprise_id, raised_at DESC);

-- The grid platform's clues as the `clues` stream and this platform's own decisions tell them.
CREATE TABLE supervision.clue_projection (
  clue_id       uuid PRIMARY KEY,
  enterprise_id uuid,
  district_code text NOT NULL,
  grid_id       uuid,
  category      text NOT NULL,
  status        text NOT NULL CHECK (status IN ('RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED')),
  -- The enterprise refused to rectify (it stays true once the clue moves on to enforcement).
  refused       boolean NOT NULL,
  outcome       text,
  checked_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX clue_projection_district_idx ON supervision.clue_projection (district_code, checked_at);
CREATE INDEX clue_projection_enterprise_idx ON supervision.clue_projection (enterprise_id) WHERE refused;

-- Enforcement tasks. The id names the source ('CLUE:<clue>', 'HAZARD:<hazard>',
-- 'ALARMS:<enterprise>:<latest alarm>', 'INSPECTION:<enterprise>:<year>:<inspections so far>'), so a
-- source has one task, however often its event is delivered or its candidate is derived.
CREATE TABLE supervision.enforcement_task (
  id            text PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('CLUE', 'HAZARD', 'REPEATED_ALARMS', 'INSPECTION_TARGET')),
  source_refs   text[] NOT NULL,
  district_code text NOT NULL,
  enterprise_id uuid NOT NULL,
  reason        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('OPEN', 'TAKEN', 'CLOSED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  taken_by      text,
  taken_at      timestamptz,
  closed_at     timestamptz,
  CHECK ((status = 'OPEN') = (taken_at IS NULL)),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE INDEX enforcement_task_open_idx ON supervision.enforcement_task (district_code) WHERE status <> 'CLOSED';
CREATE INDEX enforcement_task_enterprise_idx ON supervision.enforcement_task (enterprise_id);

ALTER TABLE supervision.inspection ADD COLUMN task_id text REFERENCES supervision.enforcement_task (id);
CREATE INDEX inspection_task_idx ON supervision.inspection (task_id) WHERE task_id IS NOT NULL;

-- 执法文书: the order to rectify, review opinion or penalty decision that closes a task.
CREATE TABLE supervision.enforcement_decision (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id     text NOT NULL UNIQUE REFERENCES supervision.enforcement_task (id),
  kind        text NOT NULL CHECK (kind IN ('RECTIFICATION_ORDER', 'REVIEW_OPINION', 'PENALTY_DECISION')),
  legal_basis text NOT NULL,
  amount      numeric(12, 2) CHECK (amount > 0),
  case_number text NOT NULL UNIQUE,
  content     text NOT NULL,
  rectify_by  date,
  decided_by  text NOT NULL,
  decided_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'PENALTY_DECISION') = (amount IS NOT NULL))
);
