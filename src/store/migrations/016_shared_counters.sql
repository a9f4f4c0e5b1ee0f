-- Counters every server on the database shares (issue 14: two servers behind a load balancer
-- enforce one limit): requests per client per rate-limit window, and failed token requests per
-- client id (per address and overall) or, for an id that is no client, per address only, so
-- junk ids cannot push a real client's count out. Counts live in fixed windows (window_start,
-- epoch milliseconds); old windows are deleted as servers go.
-- tenant_id is '' for a counter that belongs to no tenant (an address guessing unknown ids).
CREATE TABLE shared_counters (
  tenant_id    text   NOT NULL,
  counter      text   NOT NULL,
  window_start bigint NOT NULL,
  hits         integer NOT NULL,
  last_hit     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, counter, window_start)
);
CREATE INDEX shared_counters_by_window ON shared_counters (window_start);
