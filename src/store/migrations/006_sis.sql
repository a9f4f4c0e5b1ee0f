-- The SIS side of the SIS -> Ed-Fi sync (src/sync) and the sync's own state: identity map,
-- outbox (event queue), error log and target. Every primary key starts with tenant_id.

CREATE TABLE sis_schools (
  tenant_id  text NOT NULL REFERENCES tenants(tenant_id),
  school_id  bigint NOT NULL,
  name       text NOT NULL,
  exclude    boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, school_id)
);

CREATE TABLE sis_calendars (
  tenant_id   text NOT NULL,
  calendar_id text NOT NULL,
  school_id   bigint NOT NULL,
  school_year integer NOT NULL,             -- end year of the school year
  name        text NOT NULL,
  exclude     boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, calendar_id),
  FOREIGN KEY (tenant_id, school_id) REFERENCES sis_schools (tenant_id, school_id) ON DELETE CASCADE
);
CREATE INDEX sis_calendars_school ON sis_calendars (tenant_id, school_id);

CREATE TABLE sis_terms (
  tenant_id          text NOT NULL,
  term_id            text NOT NULL,
  calendar_id        text NOT NULL,
  schedule_structure text NOT NULL DEFAULT 'main',
  name               text NOT NULL,
  term_type_code     text,
  start_date         date,
  end_date           date,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, term_id),
  FOREIGN KEY (tenant_id, calendar_id) REFERENCES sis_calendars (tenant_id, calendar_id) ON DELETE CASCADE,
  CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX sis_terms_calendar ON sis_terms (tenant_id, calendar_id);

CREATE TABLE sis_calendar_days (
  tenant_id     text NOT NULL,
  calendar_id   text NOT NULL,
  day           date NOT NULL,
  instructional boolean NOT NULL,
  PRIMARY KEY (tenant_id, calendar_id, day),
  FOREIGN KEY (tenant_id, calendar_id) REFERENCES sis_calendars (tenant_id, calendar_id) ON DELETE CASCADE
);

CREATE TABLE sis_course_sections (
  tenant_id                  text NOT NULL,
  course_id                  text NOT NULL,
  section_id                 text NOT NULL,
  term_id                    text NOT NULL,
  active                     boolean NOT NULL DEFAULT true,
  exclude                    boolean NOT NULL DEFAULT false,
  course_term_type_override  text,
  section_term_type_override text,
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, course_id, section_id),
  FOREIGN KEY (tenant_id, term_id) REFERENCES sis_terms (tenant_id, term_id) ON DELETE CASCADE
);
CREATE INDEX sis_course_sections_term ON sis_course_sections (tenant_id, term_id);

CREATE TABLE sis_grading_periods (
  tenant_id         text NOT NULL,
  grading_period_id text NOT NULL,
  school_id         bigint NOT NULL,
  school_year       integer NOT NULL,
  name              text NOT NULL,
  descriptor        text NOT NULL,
  period_sequence   integer,
  begin_date        date NOT NULL,
  end_date          date NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, grading_period_id),
  FOREIGN KEY (tenant_id, school_id) REFERENCES sis_schools (tenant_id, school_id) ON DELETE CASCADE,
  CHECK (begin_date <= end_date)
);
CREATE INDEX sis_grading_periods_school ON sis_grading_periods (tenant_id, school_id);

-- Resource Preferences: term type code -> Ed-Fi TermDescriptor, per scope year.
CREATE TABLE sis_term_type_mappings (
  tenant_id       text NOT NULL REFERENCES tenants(tenant_id),
  school_year     integer NOT NULL,
  term_type_code  text NOT NULL,
  term_descriptor text,                      -- null: deliberately not reported
  PRIMARY KEY (tenant_id, school_year, term_type_code)
);

-- Scope years with a valid configuration: the state whose rules apply and the Sessions toggle.
CREATE TABLE sis_sync_years (
  tenant_id        text NOT NULL REFERENCES tenants(tenant_id),
  school_year      integer NOT NULL,
  state_code       text NOT NULL,
  sessions_enabled boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, school_year)
);

-- The event queue's first stage: a SIS write marks its school, in the same transaction; the
-- worker re-derives marked schools and turns the difference into outbox operations.
CREATE TABLE sync_dirty_schools (
  tenant_id text NOT NULL,
  school_id bigint NOT NULL,
  marked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, school_id)
);

-- Identity map: what the target acknowledged (one row per Ed-Fi item) ...
CREATE TABLE sync_records (
  tenant_id   text NOT NULL,
  key_text    text NOT NULL,                 -- resource + natural key
  resource    text NOT NULL,
  natural_key jsonb NOT NULL,
  edfi_id     text,
  hash        text NOT NULL,
  school_id   bigint,
  school_year integer NOT NULL,
  -- key_texts of the items this one references, so no item is deleted while one still does
  depends_on  text[] NOT NULL DEFAULT '{}',
  sent_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key_text)
);
CREATE INDEX sync_records_school ON sync_records (tenant_id, school_id);

-- ... and the SIS object keys (Term:t1, Course:c1, Course:c1-s2, GradingPeriod:g1) mapped to
-- it; several SIS records may share one Ed-Fi item.
CREATE TABLE sync_identity_map (
  tenant_id  text NOT NULL,
  resource   text NOT NULL,
  source_key text NOT NULL,
  key_text   text NOT NULL,
  PRIMARY KEY (tenant_id, resource, source_key, key_text),
  FOREIGN KEY (tenant_id, key_text) REFERENCES sync_records (tenant_id, key_text) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX sync_identity_map_record ON sync_identity_map (tenant_id, key_text);

CREATE SEQUENCE sync_batch_seq;

-- The outbox: operations to send, in batches; within a batch by rank (upserts by dependency
-- tier, then deletes in reverse). Claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE sync_outbox (
  tenant_id         text NOT NULL,
  op_id             bigserial,
  batch_id          bigint NOT NULL,
  rank              integer NOT NULL,
  resource          text NOT NULL,
  action            text NOT NULL CHECK (action IN ('post', 'put', 'delete')),
  key_text          text NOT NULL,
  natural_key       jsonb NOT NULL,
  previous_key_text text,
  body              jsonb,
  hash              text,
  sources           text[] NOT NULL DEFAULT '{}',
  depends_on        text[] NOT NULL DEFAULT '{}',
  school_id         bigint,
  school_year       integer NOT NULL,
  reason            text NOT NULL,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_flight', 'sent', 'failed', 'blocked', 'superseded')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  locked_by         text,
  locked_until      timestamptz,
  last_status       integer,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, op_id)
);
CREATE INDEX sync_outbox_open ON sync_outbox (tenant_id, batch_id, rank) WHERE status IN ('pending', 'in_flight');

-- Error log: derivation problems and what the target refused, with the request and response.
CREATE TABLE sync_errors (
  tenant_id       text NOT NULL,
  error_id        bigserial,
  kind            text NOT NULL CHECK (kind IN ('derive', 'send', 'blocked')),
  op_id           bigint,
  resource        text NOT NULL,
  key_text        text,
  school_id       bigint,
  school_year     integer,
  action          text,
  request_body    jsonb,
  response_status integer,
  response_body   jsonb,
  message         text NOT NULL,
  fingerprint     text NOT NULL,
  -- a payload the target refused is not re-sent unchanged until someone retries it
  refusal_key     text,
  state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'retried', 'archived', 'resolved')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, error_id)
);
CREATE UNIQUE INDEX sync_errors_open_fingerprint ON sync_errors (tenant_id, fingerprint) WHERE state = 'open';
CREATE INDEX sync_errors_state ON sync_errors (tenant_id, state, error_id);

-- The Ed-Fi ODS/API a tenant reports to (its default) ...
CREATE TABLE sync_targets (
  tenant_id     text NOT NULL REFERENCES tenants(tenant_id),
  base_url      text NOT NULL,
  client_key    text NOT NULL,
  client_secret text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id)
);

-- ... and one per school year where the state opens a separate ODS each year.
CREATE TABLE sync_year_targets (
  tenant_id     text NOT NULL REFERENCES tenants(tenant_id),
  school_year   integer NOT NULL,
  base_url      text NOT NULL,
  client_key    text NOT NULL,
  client_secret text NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, school_year)
);
