-- Connections to outside systems that sessions are pulled from (OneRoster REST/CSV, Ed-Fi,
-- Canvas), and the state of their pulls. Secrets are AES-256-GCM ciphertext
-- (key from TERMBRIDGE_SECRET_KEY), never plain text.
CREATE TABLE connections (
  tenant_id        text NOT NULL REFERENCES tenants(tenant_id),
  id               text NOT NULL,            -- what `termbridge pull --connection` names
  kind             text NOT NULL CHECK (kind IN ('oneroster-rest', 'oneroster-csv', 'edfi', 'canvas')),
  url              text NOT NULL,            -- base URL, or the CSV file/folder path
  token_url        text,                     -- OAuth2 token endpoint (default: <url>/oauth/token)
  client_id        text,
  secret_cipher    text,                     -- v1:<iv>:<tag>:<ciphertext>, base64url parts
  identifier_system text NOT NULL,           -- session_identifiers.system the source's ids go under
  -- What the last completed pull left: Ed-Fi's change version, OneRoster's newest dateLastModified.
  state            jsonb,
  last_pull_at     timestamptz,
  last_summary     jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX connections_id ON connections (id);

-- An unfinished pull: where the source is to be read from next, and the records already read.
-- Pages are staged here (one transaction per page, with the checkpoint) and merged into the
-- sessions in one transaction at the end, so a failed pull changes no session and resumes.
CREATE TABLE connection_checkpoints (
  tenant_id     text NOT NULL,
  connection_id text NOT NULL,
  resume        jsonb NOT NULL,
  pages         integer NOT NULL DEFAULT 0,
  started_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE connection_staged_records (
  tenant_id     text NOT NULL,
  connection_id text NOT NULL,
  seq           integer NOT NULL,
  record        jsonb NOT NULL,
  PRIMARY KEY (tenant_id, connection_id, seq),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
