-- The enterprise's designated safety manager (安全管理负责人): personal data, read only under the
-- personal:read scope. Unknown for enterprises registered before it was recorded, so nullable,
-- but a contact is either complete or absent.
ALTER TABLE supervision.enterprise
  ADD COLUMN safety_manager_name      text CHECK (length(safety_manager_name) BETWEEN 1 AND 100),
  -- A mainland mobile number.
  ADD COLUMN safety_manager_phone     text CHECK (safety_manager_phone ~ '^1[3-9][0-9]{9}$'),
  -- An 18-character resident ID number (GB 11643): 17 digits and a check character.
  ADD COLUMN safety_manager_id_number text CHECK (safety_manager_id_number ~ '^[0-9]{17}[0-9X]$'),
  ADD CONSTRAINT enterprise_safety_manager_complete CHECK (
    (safety_manager_name IS NULL) = (safety_manager_phone IS NULL)
    AND (safety_manager_name IS NULL) = (safety_manager_id_number IS NULL));
