-- API clients (OAuth2 client credentials) and the opaque access tokens issued to them.
-- Secrets and tokens are stored only as hashes.
CREATE TABLE api_clients (
  tenant_id    text NOT NULL REFERENCES tenants(tenant_id),
  client_id    text NOT NULL,
  name         text NOT NULL,
  secret_hash  text NOT NULL,            -- scrypt$N$r$p$salt$hash
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  PRIMARY KEY (tenant_id, client_id)
);
CREATE UNIQUE INDEX api_clients_client_id ON api_clients (client_id);

CREATE TABLE access_tokens (
  tenant_id   text NOT NULL,
  token_hash  text NOT NULL,             -- sha256 of the token (tokens are 256 random bits)
  client_id   text NOT NULL,
  scopes      text[] NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, client_id) REFERENCES api_clients (tenant_id, client_id)
);
CREATE UNIQUE INDEX access_tokens_hash ON access_tokens (token_hash);
-- Revocation, rotation and the per-client token cap and sweep look tokens up by client.
CREATE INDEX access_tokens_client ON access_tokens (tenant_id, client_id, expires_at);
