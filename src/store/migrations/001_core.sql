-- The canonical store. Every primary key starts with tenant_id so the schema can be
-- distributed by tenant; every query filters on it.

-- One global, monotonic change version for every insert, update, delete and key change.
CREATE SEQUENCE IF NOT EXISTS change_version_seq;

CREATE TABLE tenants (
  tenant_id     text PRIMARY KEY,
  name          text NOT NULL,
  time_zone     text NOT NULL DEFAULT 'America/Chicago',
  -- Canvas term ids are small integers per root account, handed out from here.
  canvas_term_seq bigint NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orgs (
  tenant_id      text NOT NULL REFERENCES tenants(tenant_id),
  id             uuid NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('district', 'school')),
  name           text NOT NULL,
  school_id      bigint,               -- Ed-Fi schoolId / LEA id
  parent_id      uuid,
  identifiers    jsonb NOT NULL DEFAULT '{}',
  status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  change_version bigint NOT NULL DEFAULT nextval('change_version_seq'),
  row_seq        bigserial,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX orgs_school_id ON orgs (tenant_id, school_id) WHERE school_id IS NOT NULL;

CREATE TABLE school_years (
  tenant_id      text NOT NULL REFERENCES tenants(tenant_id),
  school_year    integer NOT NULL,
  description    text NOT NULL,
  is_current     boolean NOT NULL DEFAULT false,
  id             uuid NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  change_version bigint NOT NULL DEFAULT nextval('change_version_seq'),
  row_seq        bigserial,
  PRIMARY KEY (tenant_id, school_year)
);

-- Ed-Fi descriptors; session_type says which canonical session type a term descriptor implies,
-- so the mapping is data a state can extend, not code.
CREATE TABLE descriptors (
  tenant_id         text NOT NULL REFERENCES tenants(tenant_id),
  id                uuid NOT NULL,
  kind              text NOT NULL,      -- TermDescriptor | GradingPeriodDescriptor | ...
  namespace         text NOT NULL,
  code_value        text NOT NULL,
  short_description text NOT NULL,
  description       text,
  session_type      text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  change_version    bigint NOT NULL DEFAULT nextval('change_version_seq'),
  row_seq           bigserial,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX descriptors_uri ON descriptors (tenant_id, kind, namespace, code_value);

CREATE TABLE sessions (
  tenant_id        text NOT NULL REFERENCES tenants(tenant_id),
  id               uuid NOT NULL,
  school_org_id    uuid,                -- null: district-wide (Canvas terms)
  school_year      integer,             -- the year the school year ends
  name             text NOT NULL,
  type             text NOT NULL CHECK (type IN ('schoolYear','semester','trimester','quarter','term','gradingPeriod','summer','other')),
  begin_date       date,
  end_date         date,                -- last day, inclusive
  parent_id        uuid,
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  term_descriptor  text,                -- descriptor URI
  grading_period_descriptor text,
  period_sequence  integer,
  total_instructional_days integer,
  properties       jsonb NOT NULL DEFAULT '{}',
  canvas_id        bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  change_version   bigint NOT NULL DEFAULT nextval('change_version_seq'),
  -- insertion order: Ed-Fi's stable paging order and cursor-token space
  row_seq          bigserial,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, school_org_id) REFERENCES orgs (tenant_id, id),
  FOREIGN KEY (tenant_id, parent_id) REFERENCES sessions (tenant_id, id)
);
CREATE UNIQUE INDEX sessions_canvas_id ON sessions (tenant_id, canvas_id);
CREATE INDEX sessions_row_seq ON sessions (tenant_id, row_seq);
CREATE INDEX sessions_school ON sessions (tenant_id, school_org_id, row_seq);
CREATE INDEX sessions_change_version ON sessions (tenant_id, change_version);
CREATE INDEX sessions_updated_at ON sessions (tenant_id, updated_at);
CREATE INDEX sessions_parent ON sessions (tenant_id, parent_id);
-- Ed-Fi natural keys among live rows: (schoolId, schoolYear, sessionName) for sessions,
-- (descriptor, name, schoolId, schoolYear) for grading periods.
CREATE UNIQUE INDEX sessions_natural_key ON sessions (tenant_id, school_org_id, school_year, name)
  WHERE status = 'active' AND type <> 'gradingPeriod' AND school_org_id IS NOT NULL AND school_year IS NOT NULL;
CREATE UNIQUE INDEX grading_periods_natural_key ON sessions (tenant_id, school_org_id, school_year, grading_period_descriptor, name)
  WHERE status = 'active' AND type = 'gradingPeriod' AND school_org_id IS NOT NULL AND school_year IS NOT NULL;

-- Ed-Fi's SessionGradingPeriod: a session's gradingPeriods references. Both ends are rows of
-- sessions; a grading period may belong to several sessions (a semester and its year).
CREATE TABLE session_grading_periods (
  tenant_id         text NOT NULL,
  session_id        uuid NOT NULL,
  grading_period_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, session_id, grading_period_id),
  FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id),
  FOREIGN KEY (tenant_id, grading_period_id) REFERENCES sessions (tenant_id, id)
);
CREATE INDEX session_grading_periods_gp ON session_grading_periods (tenant_id, grading_period_id);

-- Identifiers other systems know a session by: oneroster sourcedId, sis term id, ...
CREATE TABLE session_identifiers (
  tenant_id  text NOT NULL,
  system     text NOT NULL,
  value      text NOT NULL,
  session_id uuid NOT NULL,
  PRIMARY KEY (tenant_id, system, value),
  FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id)
);
CREATE UNIQUE INDEX session_identifiers_one_per_system ON session_identifiers (tenant_id, session_id, system);

-- Course sections taught in a session: Canvas course_count and "term has active courses",
-- Ed-Fi dependent-item checks, and the SIS sync's sections.
CREATE TABLE course_sections (
  tenant_id  text NOT NULL,
  id         uuid NOT NULL,
  session_id uuid NOT NULL,
  name       text NOT NULL,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id)
);
CREATE INDEX course_sections_session ON course_sections (tenant_id, session_id);

-- Tombstones and key changes. Inserts and updates are read from the rows themselves.
CREATE TABLE change_log (
  tenant_id      text NOT NULL,
  change_version bigint NOT NULL,
  resource       text NOT NULL,         -- sessions | gradingPeriods | schools | ...
  entity_id      uuid NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('delete', 'keyChange')),
  old_key        jsonb,
  new_key        jsonb,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, change_version)
);
CREATE INDEX change_log_resource ON change_log (tenant_id, resource, kind, change_version);
