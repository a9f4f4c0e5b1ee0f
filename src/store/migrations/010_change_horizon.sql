-- Change versions and modification times that a follower can trust.
--
-- Before this migration a row took nextval('change_version_seq') when its statement ran and
-- updated_at = now() (its transaction's start), so a transaction holding version N could commit
-- after one holding N+1, and one that started earlier could commit later: a reader that moved
-- past N, or past a time, never saw that row. Here each transaction takes one version and one
-- time per tenant, in a short registration that readers can wait out, and advertises them
-- (advisory locks, visible in pg_locks) until it ends. A reader's horizon for a tenant is the
-- newest version and time below which nothing of that tenant is still in flight:
--
--   Writer, on its first row of tenant T (register_change_version):
--     1. take T's registration lock SHARED (session level; writers never wait for each other)
--     2. v := nextval, at := clock_timestamp() to the millisecond
--     3. take transaction-level locks WRITER(T), VERSION(v), TIME(at), held until commit/abort
--     4. release the registration lock
--   Reader (change_horizon):
--     a. take T's registration lock EXCLUSIVE: no writer of T is between 1 and 4
--     b. L := the sequence's last value, now := clock_timestamp(); release
--     c. from pg_locks: m := min VERSION, t := min TIME over transactions holding WRITER(T)
--     d. horizon := (min(L, m - 1), min(now, t)), the time exclusive
--
-- Why every version ≤ horizon.version of T is committed or rolled back once change_horizon
-- returns: a writer of T that registered before (a) holds its locks until it ends, so at (c) it
-- is either still listed (its version ≥ m) or has ended; PostgreSQL releases a transaction's
-- locks only after its commit is visible, so a snapshot taken after (c) sees it. A writer that
-- registers after (b) calls nextval after L was read, so its version is > L (the sequence
-- must keep CACHE 1, as 001 creates it). The same two cases give: every row of T written with
-- updated_at < horizon.at is visible to a later snapshot, because in-flight writers hold
-- TIME(at) ≥ t and later ones read the clock after `now` (a wall clock that does not step back
-- is assumed). So a reader takes the horizon first, then reads with change_version ≤ version or
-- updated_at < at in a new statement (READ COMMITTED), and the next reader's horizon is never
-- lower (it is monotonic). Other tenants' writers never hold T back.
--
-- Lock keys are two int4 (pg_locks objsubid 2), tagged in the first key's top byte; the rest of
-- the app uses one-bigint keys (objsubid 1), so the spaces cannot meet. hashtext collisions of
-- tenant ids only make a horizon lower, never wrong. Registration and VERSION/TIME cost three
-- lock-table entries per transaction and tenant; later rows of the transaction reuse the
-- version from transaction-local settings (set_config(…, true)), which a rolled-back savepoint
-- undoes together with the locks it took.
--   0x51 registration (session level)   key2 = hashtext(tenant)
--   0x52 WRITER(tenant)                 key2 = hashtext(tenant)
--   0x53 VERSION(v)    key1 low 24 bits = v >> 32,  key2 = low 32 bits of v
--   0x54 TIME(at)      the same split of at in microseconds since 1970

CREATE FUNCTION register_change_version(p_tenant text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  h  int := hashtext(p_tenant);
  v  bigint;
  us bigint;
BEGIN
  PERFORM pg_advisory_lock_shared(1358954496, h);                       -- 0x51 << 24
  BEGIN
    v := nextval('change_version_seq');
    us := (extract(epoch FROM date_trunc('milliseconds', clock_timestamp())) * 1000000)::bigint;
    PERFORM pg_advisory_xact_lock_shared(1375731712, h);                -- 0x52 << 24
    PERFORM pg_advisory_xact_lock_shared((1392508928 | (v >> 32))::int, ((v << 32) >> 32)::int);
    PERFORM pg_advisory_xact_lock_shared((1409286144 | (us >> 32))::int, ((us << 32) >> 32)::int);
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock outlives the statement: never leave it behind, or readers of T wait forever.
    PERFORM pg_advisory_unlock_shared(1358954496, h);
    RAISE;
  END;
  PERFORM pg_advisory_unlock_shared(1358954496, h);
  PERFORM set_config('termbridge.change_tenant', p_tenant, true),
          set_config('termbridge.change_version', v::text, true),
          set_config('termbridge.change_at', us::text, true);
END $$;

-- The horizon of one tenant: every version ≤ settled_version and every time < settled_before is settled.
CREATE FUNCTION change_horizon(p_tenant text, OUT settled_version bigint, OUT settled_before timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  h        int := hashtext(p_tenant);
  last     bigint;
  now_     timestamptz;
  m        bigint;
  t        bigint;
BEGIN
  PERFORM pg_advisory_lock(1358954496, h);
  BEGIN
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO last FROM change_version_seq;
    now_ := clock_timestamp();
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    PERFORM pg_advisory_unlock(1358954496, h);
    RAISE;
  END;
  PERFORM pg_advisory_unlock(1358954496, h);
  WITH held AS MATERIALIZED (
    SELECT l.virtualtransaction, l.classid::bigint AS k1, l.objid::bigint AS k2 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 2
      AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database()))
  SELECT min(((x.k1 & 16777215) << 32) | x.k2) FILTER (WHERE x.k1 >> 24 = 83),
         min(((x.k1 & 16777215) << 32) | x.k2) FILTER (WHERE x.k1 >> 24 = 84)
    INTO m, t
    FROM held w JOIN held x ON x.virtualtransaction = w.virtualtransaction
   WHERE w.k1 = 1375731712 AND w.k2 = (h::bigint & 4294967295);
  settled_version := least(last, m - 1);
  settled_before := date_trunc('milliseconds', least(now_, timestamptz 'epoch' + t * interval '1 microsecond'));
END $$;

-- Every row write takes its transaction's version and time for its tenant, whatever the
-- statement said: no write path can forget it, and none can take a version of its own.
CREATE FUNCTION stamp_change_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('termbridge.change_tenant', true) IS DISTINCT FROM NEW.tenant_id THEN
    PERFORM register_change_version(NEW.tenant_id);
  END IF;
  NEW.change_version := current_setting('termbridge.change_version')::bigint;
  NEW.updated_at := timestamptz 'epoch' + current_setting('termbridge.change_at')::bigint * interval '1 microsecond';
  RETURN NEW;
END $$;

-- change_log keeps the time in created_at.
CREATE FUNCTION stamp_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('termbridge.change_tenant', true) IS DISTINCT FROM NEW.tenant_id THEN
    PERFORM register_change_version(NEW.tenant_id);
  END IF;
  NEW.change_version := current_setting('termbridge.change_version')::bigint;
  NEW.created_at := timestamptz 'epoch' + current_setting('termbridge.change_at')::bigint * interval '1 microsecond';
  RETURN NEW;
END $$;

-- Times are kept at the millisecond every API shows them with, so ordering by dateLastModified
-- and comparing it (OneRoster, Edlink) agree exactly. Done before the triggers exist, which
-- would otherwise give every row a new version.
UPDATE sessions SET updated_at = date_trunc('milliseconds', updated_at) WHERE updated_at <> date_trunc('milliseconds', updated_at);
UPDATE orgs SET updated_at = date_trunc('milliseconds', updated_at) WHERE updated_at <> date_trunc('milliseconds', updated_at);
UPDATE school_years SET updated_at = date_trunc('milliseconds', updated_at) WHERE updated_at <> date_trunc('milliseconds', updated_at);
UPDATE descriptors SET updated_at = date_trunc('milliseconds', updated_at) WHERE updated_at <> date_trunc('milliseconds', updated_at);

-- The trigger assigns versions: a column default would only burn sequence values.
ALTER TABLE sessions ALTER COLUMN change_version DROP DEFAULT;
ALTER TABLE orgs ALTER COLUMN change_version DROP DEFAULT;
ALTER TABLE school_years ALTER COLUMN change_version DROP DEFAULT;
ALTER TABLE descriptors ALTER COLUMN change_version DROP DEFAULT;

-- A transaction now logs all its deletes and key changes under one version.
ALTER TABLE change_log DROP CONSTRAINT change_log_pkey;
ALTER TABLE change_log ADD COLUMN row_seq bigserial;
ALTER TABLE change_log ADD PRIMARY KEY (tenant_id, change_version, row_seq);

CREATE TRIGGER sessions_change_version BEFORE INSERT OR UPDATE ON sessions FOR EACH ROW EXECUTE FUNCTION stamp_change_version();
CREATE TRIGGER orgs_change_version BEFORE INSERT OR UPDATE ON orgs FOR EACH ROW EXECUTE FUNCTION stamp_change_version();
CREATE TRIGGER school_years_change_version BEFORE INSERT OR UPDATE ON school_years FOR EACH ROW EXECUTE FUNCTION stamp_change_version();
CREATE TRIGGER descriptors_change_version BEFORE INSERT OR UPDATE ON descriptors FOR EACH ROW EXECUTE FUNCTION stamp_change_version();
CREATE TRIGGER change_log_change_version BEFORE INSERT ON change_log FOR EACH ROW EXECUTE FUNCTION stamp_change_log();
