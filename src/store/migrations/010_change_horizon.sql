-- Change versions and modification times that a follower can trust.
--
-- Before this migration a row took nextval('change_version_seq') when its statement ran and
-- updated_at = now() (its transaction's start), so a transaction holding version N could commit
-- after one holding N+1, and one that started earlier could commit later: a reader that moved
-- past N, or past a time, never saw that row. Here each transaction takes one version and one
-- time per tenant and advertises them with advisory locks (visible in pg_locks) until it ends.
-- A reader's horizon for a tenant is the newest version and time below which nothing of that
-- tenant is still in flight:
--
--   Writer, on its first row of tenant T (take_change_version):
--     w1. lock WRITER(T)                          transaction-level, shared: writers never wait
--     w2. v := nextval; at := clock_timestamp() to the millisecond
--     w3. lock VERSION(v) and TIME(at)            transaction-level, shared
--   Reader (change_horizon):
--     r1. L := the sequence's last value; now := clock_timestamp()
--     r2. read pg_locks (one consistent picture of the lock table): over the transactions
--         holding WRITER(T), m := min VERSION, t := min TIME; if one holds WRITER(T) without
--         both (it is between w1 and w3, a few microseconds), start again at r1
--     r3. horizon := (min(L, m - 1), min(now, t)), the time exclusive
--
-- Why every version ≤ horizon.version and every time < horizon.at of T is committed or rolled
-- back when change_horizon returns. Take any writer of T still unfinished at r2 or later:
--   - it is listed at r2 with its VERSION and TIME: then its version ≥ m and its time ≥ t;
--   - it is not listed at r2: it took WRITER(T) after r2, so its nextval and clock came after r1:
--     its version > L (the sequence must keep CACHE 1, as 001 creates it) and its time ≥ now
--     (a wall clock that does not step back is assumed).
-- A writer that ended before r2 is visible to every snapshot taken after r2: PostgreSQL
-- releases a transaction's locks only after its commit is visible. A transaction that
-- registers for a second tenant lists that tenant's WRITER with the first one's VERSION and
-- TIME, which are lower than what it takes next: the horizon is only the lower for it. So a
-- reader takes the horizon first, then reads with change_version ≤ version or updated_at < at
-- in a new statement (READ COMMITTED), and the next reader's horizon is never lower (it is
-- monotonic). Other tenants' writers never hold T back.
--
-- Lock keys are two int4 (pg_locks objsubid 2), tagged in the first key's top byte; the rest of
-- the app uses one-bigint keys (objsubid 1), so the spaces cannot meet. hashtext collisions of
-- tenant ids only make a horizon lower, never wrong. A transaction takes three lock-table
-- entries per tenant it writes, once: rows after the first reuse the version from
-- transaction-local settings (set_config(…, true)), which a rolled-back savepoint undoes
-- together with the locks it took.
--   0x52 WRITER(tenant)                 key2 = hashtext(tenant)
--   0x53 VERSION(v)    key1 low 24 bits = v >> 32,  key2 = low 32 bits of v
--   0x54 TIME(at)      the same split of at in microseconds since 1970

-- Makes p_tenant's version and time the current ones (termbridge.change_*), taking them on the
-- transaction's first write of that tenant; a per-tenant slot remembers them if it switches.
CREATE FUNCTION take_change_version(p_tenant text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  slot  text := 'termbridge.change_' || md5(p_tenant);
  taken text := current_setting(slot, true);
  h     int;
  v     bigint;
  us    bigint;
BEGIN
  IF taken IS NULL OR taken = '' THEN
    h := hashtext(p_tenant);
    PERFORM pg_advisory_xact_lock_shared(1375731712, h);                -- 0x52 << 24, before nextval
    v := nextval('change_version_seq');
    us := (extract(epoch FROM date_trunc('milliseconds', clock_timestamp())) * 1000000)::bigint;
    PERFORM pg_advisory_xact_lock_shared((1392508928 | (v >> 32))::int, ((v << 32) >> 32)::int);
    PERFORM pg_advisory_xact_lock_shared((1409286144 | (us >> 32))::int, ((us << 32) >> 32)::int);
    taken := v || ' ' || us;
    PERFORM set_config(slot, taken, true);
  END IF;
  PERFORM set_config('termbridge.change_tenant', p_tenant, true),
          set_config('termbridge.change_version', split_part(taken, ' ', 1), true),
          set_config('termbridge.change_at', split_part(taken, ' ', 2), true);
END $$;

-- The horizon of one tenant: every version ≤ settled_version and every time < settled_before is settled.
CREATE FUNCTION change_horizon(p_tenant text, OUT settled_version bigint, OUT settled_before timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  h           int := hashtext(p_tenant);
  last        bigint;
  now_        timestamptz;
  m           bigint;
  t           bigint;
  registering boolean;
BEGIN
  LOOP
    SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO last FROM change_version_seq;
    now_ := clock_timestamp();
    WITH held AS MATERIALIZED (
      SELECT l.virtualtransaction, l.classid::bigint AS k1, l.objid::bigint AS k2 FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted
        AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())),
    writers AS (
      SELECT min(((x.k1 & 16777215) << 32) | x.k2) FILTER (WHERE x.k1 >> 24 = 83) AS v,
             min(((x.k1 & 16777215) << 32) | x.k2) FILTER (WHERE x.k1 >> 24 = 84) AS us
        FROM held w JOIN held x ON x.virtualtransaction = w.virtualtransaction
       WHERE w.k1 = 1375731712 AND w.k2 = (h::bigint & 4294967295)
       GROUP BY w.virtualtransaction)
    SELECT min(v), min(us), coalesce(bool_or(v IS NULL OR us IS NULL), false) INTO m, t, registering FROM writers;
    EXIT WHEN NOT registering;
    PERFORM pg_sleep(0.0001);
  END LOOP;
  settled_version := least(last, m - 1);
  settled_before := date_trunc('milliseconds', least(now_, timestamptz 'epoch' + t * interval '1 microsecond'));
END $$;

-- Every row write takes its transaction's version and time for its tenant, whatever the
-- statement said: no write path can forget it, and none can take a version of its own.
CREATE FUNCTION stamp_change_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('termbridge.change_tenant', true) IS DISTINCT FROM NEW.tenant_id THEN
    PERFORM take_change_version(NEW.tenant_id);
  END IF;
  NEW.change_version := current_setting('termbridge.change_version')::bigint;
  NEW.updated_at := timestamptz 'epoch' + current_setting('termbridge.change_at')::bigint * interval '1 microsecond';
  RETURN NEW;
END $$;

-- change_log keeps the time in created_at.
CREATE FUNCTION stamp_change_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('termbridge.change_tenant', true) IS DISTINCT FROM NEW.tenant_id THEN
    PERFORM take_change_version(NEW.tenant_id);
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
