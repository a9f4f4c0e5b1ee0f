-- Sync target client secrets are sealed at rest like connector secrets (AES-256-GCM with
-- TERMBRIDGE_SECRET_KEY, src/secrets). SQL has no key, so the rows stored in the clear before
-- this migration are marked 'plain:' here; the server and the CLI seal marked rows when they
-- start with the key set, and a reader seals a marked row it reads. New secrets are sealed
-- before they are stored.
UPDATE sync_targets SET client_secret = 'plain:' || client_secret;
UPDATE sync_year_targets SET client_secret = 'plain:' || client_secret;

-- A changed school id is a new school for the sync (seed 002: "all data remains under the old
-- number and a resync needs to be completed to populate data under the new number"). Items the
-- target holds under the old number are marked with the new one: no plan re-keys or deletes
-- them until `termbridge sync delete --school OLD`.
ALTER TABLE sync_records ADD COLUMN moved_to_school bigint;

CREATE TABLE sync_school_changes (
  tenant_id     text NOT NULL REFERENCES tenants(tenant_id),
  old_school_id bigint NOT NULL,
  new_school_id bigint NOT NULL,
  detected_at   timestamptz NOT NULL DEFAULT now(),
  -- a resync of the new school posted its items under the new number
  resynced_at   timestamptz,
  -- `sync delete --school OLD` removed what the target held under the old number
  deleted_at    timestamptz,
  PRIMARY KEY (tenant_id, old_school_id, new_school_id)
);
