// Kysely's view of the tables in migrations/. Keep in step with the .sql files.
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, T | string, T | string>;
type Bigint = ColumnType<string, number | bigint | string | undefined, number | bigint | string>;

export interface TenantsTable {
  tenant_id: string;
  name: string;
  time_zone: Generated<string>;
  canvas_term_seq: Generated<string>;
  created_at: Generated<Timestamp>;
}

export interface OrgsTable {
  tenant_id: string;
  id: string;
  kind: 'district' | 'school';
  name: string;
  school_id: Bigint | null;
  parent_id: string | null;
  identifiers: ColumnType<Record<string, string>, string | undefined, string>;
  status: Generated<'active' | 'deleted'>;
  /** migration 011: Ed-Fi School properties kept as written; null when never written through Ed-Fi. */
  edfi_document: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  change_version: Generated<Bigint>;
  row_seq: Generated<Bigint>;
}

export interface SchoolYearsTable {
  tenant_id: string;
  school_year: number;
  description: string;
  is_current: Generated<boolean>;
  id: string;
  status: Generated<'active' | 'deleted'>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  change_version: Generated<Bigint>;
  row_seq: Generated<Bigint>;
}

export interface DescriptorsTable {
  tenant_id: string;
  id: string;
  kind: string;
  namespace: string;
  code_value: string;
  short_description: string;
  description: string | null;
  session_type: string | null;
  status: Generated<'active' | 'deleted'>;
  effective_begin_date: ColumnType<string | null, string | null | undefined, string | null>;
  effective_end_date: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  change_version: Generated<Bigint>;
  row_seq: Generated<Bigint>;
}

export interface SessionsTable {
  tenant_id: string;
  id: string;
  school_org_id: string | null;
  school_year: number | null;
  name: string;
  type: string;
  begin_date: DateOnly | null;
  end_date: DateOnly | null;
  parent_id: string | null;
  status: Generated<'active' | 'deleted'>;
  term_descriptor: string | null;
  grading_period_descriptor: string | null;
  period_sequence: number | null;
  total_instructional_days: number | null;
  properties: ColumnType<Record<string, unknown>, string | undefined, string>;
  canvas_id: Bigint;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
  change_version: Generated<Bigint>;
  row_seq: Generated<Bigint>;
}

export interface SessionGradingPeriodsTable {
  tenant_id: string;
  session_id: string;
  grading_period_id: string;
}

export interface SessionIdentifiersTable {
  tenant_id: string;
  system: string;
  value: string;
  session_id: string;
}

export interface CourseSectionsTable {
  tenant_id: string;
  id: string;
  session_id: string;
  name: string;
  status: Generated<'active' | 'deleted'>;
  created_at: Generated<Timestamp>;
}

export interface ChangeLogTable {
  tenant_id: string;
  /** Set by migration 010's trigger: the writing transaction's version. */
  change_version: Generated<Bigint>;
  resource: string;
  entity_id: string;
  kind: 'delete' | 'keyChange';
  old_key: Json<Record<string, unknown>> | null;
  new_key: Json<Record<string, unknown>> | null;
  created_at: Generated<Timestamp>;
  row_seq: Generated<Bigint>;
}

/** migrations/005_connectors.sql: outside systems sessions are pulled from (src/connectors). */
export interface ConnectionsTable {
  tenant_id: string;
  id: string;
  /** migration 017 adds the native platforms' kinds. */
  kind: string;
  url: string;
  token_url: string | null;
  client_id: string | null;
  /** AES-256-GCM ciphertext, `v1:<iv>:<tag>:<body>`; never the secret itself. */
  secret_cipher: string | null;
  identifier_system: string;
  state: Json<unknown> | null;
  last_pull_at: Timestamp | null;
  last_summary: Json<unknown> | null;
  created_at: Generated<Timestamp>;
  /** migration 017: the provider profile the connection was made from, and its (non-secret) settings. */
  provider: string | null;
  settings: Generated<Json<Record<string, unknown>>>;
}

export interface ConnectionCheckpointsTable {
  tenant_id: string;
  connection_id: string;
  resume: Json<unknown>;
  pages: Generated<number>;
  started_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface ConnectionStagedRecordsTable {
  tenant_id: string;
  connection_id: string;
  seq: number;
  record: Json<unknown>;
}

/** Committed writes per tenant (migration 007); the response cache's version is their sum. */
export interface DataChangesTable {
  tenant_id: string;
  writes: Bigint;
}

/** Sync targets (migrations 006, 014): client_secret is sealed (`v1:…`), or `plain:…` until sealed. */
export interface SyncTargetsTable {
  tenant_id: string;
  base_url: string;
  client_key: string;
  client_secret: string;
  updated_at: Generated<Date>;
}

export interface SyncYearTargetsTable extends SyncTargetsTable {
  school_year: number;
}

/** A school id the SIS changed (migration 014): the old number's items stay until deleted. */
export interface SyncSchoolChangesTable {
  tenant_id: string;
  old_school_id: Bigint;
  new_school_id: Bigint;
  detected_at: Generated<Date>;
  resynced_at: Date | null;
  deleted_at: Date | null;
}

/** Rate-limit and failed-attempt counts every server shares (migration 016; src/store/shared-counters.ts). */
export interface SharedCountersTable {
  tenant_id: string;
  counter: string;
  window_start: Bigint;
  hits: number;
  last_hit: Generated<Date>;
}

/** migration 018: a signed-in console browser (src/console/console-sessions.ts). */
export interface ConsoleSessionsTable {
  id_hash: string;
  tenant_id: string;
  client_id: string;
  client_secret_hash: string;
  csrf_token: string;
  created_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
}

/** migration 018: a tenant's last Ed-Fi target check, for the console's sync page. */
export interface SyncTargetChecksTable {
  tenant_id: string;
  ok: boolean;
  lines: Json<string[]>;
  checked_at: Generated<Timestamp>;
}

export interface Tables {
  tenants: TenantsTable;
  orgs: OrgsTable;
  school_years: SchoolYearsTable;
  descriptors: DescriptorsTable;
  sessions: SessionsTable;
  session_grading_periods: SessionGradingPeriodsTable;
  session_identifiers: SessionIdentifiersTable;
  course_sections: CourseSectionsTable;
  change_log: ChangeLogTable;
  connections: ConnectionsTable;
  connection_checkpoints: ConnectionCheckpointsTable;
  connection_staged_records: ConnectionStagedRecordsTable;
  data_changes: DataChangesTable;
  sync_targets: SyncTargetsTable;
  sync_year_targets: SyncYearTargetsTable;
  sync_school_changes: SyncSchoolChangesTable;
  shared_counters: SharedCountersTable;
  console_sessions: ConsoleSessionsTable;
  sync_target_checks: SyncTargetChecksTable;
}
