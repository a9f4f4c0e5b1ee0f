-- The console (src/console): signed-in browsers and the sync target's last check.

-- One row per signed-in browser. The cookie carries a random session id signed with a server
-- key (012's server_keys, 'console-session'); only the id's sha256 is kept here, so reading this
-- table does not let anyone take a session over. Idle expiry compares last_seen_at with now.
-- client_secret_hash is the client's secret hash at sign-in: rotating the secret (CLI or
-- console) or revoking the client ends its console sessions, as it ends its tokens.
CREATE TABLE console_sessions (
  id_hash            text PRIMARY KEY,
  tenant_id          text NOT NULL REFERENCES tenants(tenant_id),
  client_id          text NOT NULL,
  client_secret_hash text NOT NULL,
  csrf_token         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_client ON console_sessions (tenant_id, client_id);

-- The last connection test of a tenant's Ed-Fi target (src/sync/target-check.ts), as the
-- console's sync page shows it.
CREATE TABLE sync_target_checks (
  tenant_id  text PRIMARY KEY REFERENCES tenants(tenant_id),
  ok         boolean NOT NULL,
  lines      jsonb NOT NULL,
  checked_at timestamptz NOT NULL DEFAULT now()
);
