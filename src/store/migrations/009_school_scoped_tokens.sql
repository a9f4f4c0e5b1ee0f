-- A token issued for one school (Ed-Fi token request `scope=<schoolId>`) reaches only that
-- school's data through the Ed-Fi API; NULL: the whole tenant (district tokens and the rest).
ALTER TABLE access_tokens ADD COLUMN school_id bigint;
