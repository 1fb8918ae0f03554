-- Every foreign key gets an index, so checking or removing a fire station never scans the alarm
-- history. Partial: most alarms are never dispatched, and the foreign-key check never looks for NULL.
CREATE INDEX alarm_fire_station_idx ON emergency.alarm (fire_station_id) WHERE fire_station_id IS NOT NULL;
