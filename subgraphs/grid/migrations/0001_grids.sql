-- The area tree (city → district → subdistrict → community), grids with fixed bounds, their
-- members, and patrols.
CREATE TABLE grid.admin_area (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  level       text NOT NULL CHECK (level IN ('CITY', 'DISTRICT', 'SUBDISTRICT', 'COMMUNITY')),
  parent_code text REFERENCES grid.admin_area (code),
  CHECK ((level = 'CITY') = (parent_code IS NULL))
);
CREATE INDEX admin_area_parent_idx ON grid.admin_area (parent_code);

CREATE TABLE grid.grid (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code      text NOT NULL UNIQUE,
  name      text NOT NULL,
  level     text NOT NULL CHECK (level IN ('LARGE', 'SMALL')),
  parent_id uuid REFERENCES grid.grid (id),
  area_code text NOT NULL REFERENCES grid.admin_area (code),
  -- Fixed bounds (定格) as a box of (lon, lat) corners: GiST answers "which grid holds this point".
  bounds    box NOT NULL
);
CREATE INDEX grid_bounds_idx ON grid.grid USING gist (bounds);
CREATE INDEX grid_area_idx ON grid.grid (area_code, code);
CREATE INDEX grid_parent_idx ON grid.grid (parent_id);

CREATE TABLE grid.member (
  id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name  text NOT NULL,
  role  text NOT NULL CHECK (role IN ('GRID_MEMBER', 'SAFETY_OFFICER')),
  phone text NOT NULL
);

-- Fixed people (定员): who is responsible for which grid.
CREATE TABLE grid.assignment (
  member_id uuid NOT NULL REFERENCES grid.member (id),
  grid_id   uuid NOT NULL REFERENCES grid.grid (id),
  PRIMARY KEY (member_id, grid_id)
);
CREATE INDEX assignment_grid_idx ON grid.assignment (grid_id, member_id);

CREATE TABLE grid.patrol (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- An enterprise of the supervision platform: referenced by id, never joined.
  enterprise_id uuid NOT NULL,
  member_id     uuid NOT NULL REFERENCES grid.member (id),
  grid_id       uuid NOT NULL REFERENCES grid.grid (id),
  patrolled_at  timestamptz NOT NULL,
  result        text NOT NULL CHECK (result IN ('NORMAL', 'ISSUES_FOUND')),
  findings      text NOT NULL
);
CREATE INDEX patrol_enterprise_idx ON grid.patrol (enterprise_id, patrolled_at DESC, id DESC);
CREATE INDEX patrol_member_idx ON grid.patrol (member_id);
CREATE INDEX patrol_grid_idx ON grid.patrol (grid_id);
