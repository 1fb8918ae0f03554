-- The audit log: one row per mutation root field this platform executed, allowed, refused or
-- failed, written by common/audit right after the mutation's own transaction. Rows form a hash
-- chain (hash = sha256 of prev_hash and the row's fields, see common/audit/record.ts), numbered
-- from 1 without gaps, so an edited, inserted or deleted row breaks the chain where it happened.
CREATE TABLE supervision.audit_log (
  seq             bigint PRIMARY KEY CHECK (seq > 0),
  recorded_at     timestamptz NOT NULL,
  -- The caller as the gateway verified it: token subject, role and area claims.
  sub             text NOT NULL,
  role            text NOT NULL,
  district        text,
  subdistrict     text,
  grids           text[],
  enterprise      text,
  agency          text,
  -- The mutation root field, the operation's name, and the field's arguments with variables
  -- substituted, as canonical JSON text (stored as text, so the hashed bytes are the stored ones).
  field           text NOT NULL,
  operation_name  text,
  arguments       text NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('ALLOWED', 'REFUSED', 'FAILED')),
  error_code      text,
  -- The gateway's x-request-id, to find the request in the logs of every service.
  request_id      text,
  prev_hash       text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
  hash            text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
  CHECK ((outcome = 'ALLOWED') = (error_code IS NULL))
);

-- Append-only in the database itself, not just by convention in the code: any UPDATE, DELETE or
-- TRUNCATE fails. The table's owner can still disable the triggers; the hash chain is what makes
-- such an edit visible afterwards.
CREATE FUNCTION supervision.audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON supervision.audit_log
  FOR EACH ROW EXECUTE FUNCTION supervision.audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON supervision.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION supervision.audit_log_refuse_change();
