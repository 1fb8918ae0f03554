-- Live ingestion of detector readings: the readings themselves, alarm episodes, the district the
-- IoT platform recorded at installation, and the outbox that announces alarm changes.

-- Events written in the same transaction as the change they announce (common/events/outbox.ts).
CREATE TABLE emergency.outbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stream     text NOT NULL,
  type       text NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz
);
CREATE INDEX outbox_unsent_idx ON emergency.outbox (id) WHERE sent_at IS NULL;

-- Every accepted reading, including out-of-order ones kept only as history. The key detects a
-- reading sent twice (same device, same instant) and serves a device's history in time order.
CREATE TABLE emergency.reading (
  device_id   uuid NOT NULL REFERENCES emergency.device (id),
  at          timestamptz NOT NULL,
  value       double precision NOT NULL,
  unit        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, at)
);

-- The installation's district (370202 …); null for rows recorded before it was kept.
ALTER TABLE emergency.device ADD COLUMN district_code text;
ALTER TABLE emergency.alarm ADD COLUMN district_code text;
CREATE INDEX alarm_district_idx ON emergency.alarm (district_code, raised_at DESC);

-- Episodes: a device in LEVEL1_ALARM/LEVEL2_ALARM points at the alarm its current episode raised
-- (null when none is open); the alarm records when its episode ended (the reading fell below the
-- threshold minus the hysteresis), independently of the officers' lifecycle status. No foreign
-- key: device and alarm would reference each other, and alarms are never deleted.
ALTER TABLE emergency.device ADD COLUMN episode_alarm_id uuid;
ALTER TABLE emergency.device ADD COLUMN state_since timestamptz;
ALTER TABLE emergency.alarm ADD COLUMN cleared_at timestamptz;
