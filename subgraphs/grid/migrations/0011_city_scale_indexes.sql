-- Every foreign key gets an index, so checking or removing a member or a patrol never scans the
-- clues. Partial where the column is optional: the foreign-key check never looks for NULL.
CREATE INDEX clue_reporter_idx ON grid.clue (reporter_id);
CREATE INDEX clue_patrol_idx ON grid.clue (patrol_id) WHERE patrol_id IS NOT NULL;
