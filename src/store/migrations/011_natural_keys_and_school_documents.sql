-- Ed-Fi natural keys are unique among live rows only, as in ODS where a deleted item's row is
-- gone: a school, school year or descriptor deleted through the API can be created again with
-- the same key (sessions and grading periods already had such indexes, 001).

DROP INDEX orgs_school_id;
CREATE UNIQUE INDEX orgs_school_id ON orgs (tenant_id, school_id) WHERE school_id IS NOT NULL AND status = 'active';

-- The Ed-Fi School properties termbridge does not model as columns (gradeLevels, addresses,
-- identification codes, …), kept as the client wrote them; NULL: never written through Ed-Fi.
ALTER TABLE orgs ADD COLUMN edfi_document jsonb;

ALTER TABLE school_years ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted'));
ALTER TABLE school_years DROP CONSTRAINT school_years_pkey;
ALTER TABLE school_years ADD PRIMARY KEY (tenant_id, id);
CREATE UNIQUE INDEX school_years_year ON school_years (tenant_id, school_year) WHERE status = 'active';

ALTER TABLE descriptors ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleted'));
ALTER TABLE descriptors ADD COLUMN effective_begin_date date;
ALTER TABLE descriptors ADD COLUMN effective_end_date date;
DROP INDEX descriptors_uri;
CREATE UNIQUE INDEX descriptors_uri ON descriptors (tenant_id, kind, namespace, code_value) WHERE status = 'active';
