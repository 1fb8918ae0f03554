-- A grid member sees the alarms of their grids only: without this index, their newest-first page
-- walks the whole alarm history (alarm_raised_idx) looking for the few rows of those grids.
CREATE INDEX alarm_grid_idx ON emergency.alarm (grid_id, raised_at DESC, id DESC);
