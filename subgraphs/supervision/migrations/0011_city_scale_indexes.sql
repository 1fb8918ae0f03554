-- Every foreign key gets an index: without one, deleting an agency or changing its key scans the
-- whole referencing table (90,000 risk points and 28,000 hazards at city scale) under a lock.
-- Partial, since most rows name no agency and the foreign-key check never looks for NULL.
CREATE INDEX risk_point_agency_idx ON supervision.risk_point (agency_id) WHERE agency_id IS NOT NULL;
CREATE INDEX hazard_agency_idx ON supervision.hazard (agency_id) WHERE agency_id IS NOT NULL;
