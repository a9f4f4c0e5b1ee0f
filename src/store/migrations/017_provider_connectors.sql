-- Connections to the platforms' own APIs (Clever, Schoology, Blackboard Learn, D2L Brightspace,
-- Microsoft Graph Education, PowerSchool, Blackbaud SKY, ManageBac, Ellucian Ethos, Aeries) beside
-- OneRoster, Ed-Fi and Canvas; the provider profile a connection was made from; and its settings
-- (the OneRoster version and paging a profile fills in, a default school, a platform's tenant…),
-- none of them secret: secrets stay in secret_cipher.
ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_kind_check;
ALTER TABLE connections ADD CONSTRAINT connections_kind_check CHECK (kind IN (
  'oneroster-rest', 'oneroster-csv', 'edfi', 'canvas',
  'clever', 'schoology', 'blackboard', 'brightspace', 'microsoft-graph', 'powerschool', 'blackbaud', 'managebac', 'ethos', 'aeries'));
ALTER TABLE connections ADD COLUMN provider text;
ALTER TABLE connections ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'::jsonb;
