-- Detectors, their alarms and the fire stations dispatched to them.
CREATE TABLE emergency.fire_station (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name      text NOT NULL,
  kind      text NOT NULL CHECK (kind IN ('MICRO', 'PROFESSIONAL')),
  lat       double precision NOT NULL,
  lon       double precision NOT NULL,
  address   text NOT NULL,
  crew_size integer NOT NULL CHECK (crew_size > 0),
  on_duty   boolean NOT NULL DEFAULT true
);

CREATE TABLE emergency.device (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  serial          text NOT NULL UNIQUE,
  kind            text NOT NULL CHECK (kind IN ('GAS', 'SMOKE', 'TEMPERATURE')),
  state           text NOT NULL DEFAULT 'NORMAL' CHECK (state IN ('NORMAL', 'LEVEL1_ALARM', 'LEVEL2_ALARM',
                    'FAULT', 'MASKED', 'SELF_TEST', 'OFFLINE')),
  -- Where it is installed, as recorded by the IoT platform at installation; ids of the
  -- supervision and grid platforms, never joined.
  enterprise_id   uuid NOT NULL,
  grid_id         uuid,
  lat             double precision NOT NULL,
  lon             double precision NOT NULL,
  installed_at    timestamptz NOT NULL DEFAULT now(),
  last_value      double precision,
  last_unit       text,
  last_reading_at timestamptz
);
CREATE INDEX device_enterprise_idx ON emergency.device (enterprise_id);

CREATE TABLE emergency.alarm (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  device_id       uuid NOT NULL REFERENCES emergency.device (id),
  enterprise_id   uuid NOT NULL,
  grid_id         uuid,
  kind            text NOT NULL CHECK (kind IN ('GAS_LEAK', 'SMOKE', 'HIGH_TEMPERATURE')),
  severity        text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
  status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ACKNOWLEDGED', 'DISPATCHED',
                    'ON_SITE', 'RESOLVED', 'FALSE_ALARM')),
  reading_value   double precision NOT NULL,
  reading_unit    text NOT NULL,
  reading_at      timestamptz NOT NULL,
  lat             double precision NOT NULL,
  lon             double precision NOT NULL,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  dispatched_at   timestamptz,
  on_site_at      timestamptz,
  resolved_at     timestamptz,
  fire_station_id uuid REFERENCES emergency.fire_station (id),
  note            text
);
CREATE INDEX alarm_enterprise_idx ON emergency.alarm (enterprise_id, raised_at DESC);
CREATE INDEX alarm_open_grid_idx ON emergency.alarm (grid_id, raised_at DESC)
  WHERE status NOT IN ('RESOLVED', 'FALSE_ALARM');
CREATE INDEX alarm_raised_idx ON emergency.alarm (raised_at DESC, id);
CREATE INDEX alarm_device_idx ON emergency.alarm (device_id);

-- Append-only trail of every alarm step.
CREATE TABLE emergency.alarm_event (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id    uuid NOT NULL REFERENCES emergency.alarm (id),
  from_status text,
  to_status   text NOT NULL,
  actor       text NOT NULL,
  note        text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alarm_event_alarm_idx ON emergency.alarm_event (alarm_id, id);
