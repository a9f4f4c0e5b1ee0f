-- Committed writes per tenant, counted by statement-level triggers on every table a cached read
-- depends on, so every writer is seen: API routes, CLI imports, the sync worker, connectors and
-- other server processes on the same database. The response cache (src/cache) reads
-- sum(writes) in the same statement that checks the bearer token. Two snapshots nest (a later one
-- sees everything an earlier one saw), so an equal sum means no write committed in between and a
-- response cached under that sum is still the answer.
-- Appending rows instead of bumping one counter row keeps writers from queueing on a shared row
-- lock (and from deadlocking on it against their own row locks); compaction folds the rows
-- into one per tenant in a single statement, which keeps the sum.
CREATE TABLE data_changes (
  tenant_id text NOT NULL,
  writes    bigint NOT NULL
);
CREATE INDEX data_changes_tenant ON data_changes (tenant_id) INCLUDE (writes);

-- changed_rows is the statement's transition table: new rows for INSERT/UPDATE, old for DELETE.
CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_changes (tenant_id, writes) SELECT DISTINCT tenant_id, 1 FROM changed_rows;
  RETURN NULL;
END $$;

-- PostgreSQL allows a transition table only on a single-event trigger, hence three per table.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenants', 'orgs', 'school_years', 'descriptors', 'sessions', 'session_grading_periods',
                           'session_identifiers', 'course_sections', 'change_log'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS changed_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t || '_inserted', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS changed_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t || '_updated', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS changed_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()', t || '_deleted', t);
  END LOOP;
END $$;
