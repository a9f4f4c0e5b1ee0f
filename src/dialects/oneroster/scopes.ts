// OneRoster 1.2 scope URIs and the scope each route accepts (any one of them). Reads follow the
// official OpenAPI; the write scopes are the vendor extension's, under the v1p2 namespace.
import { ROSTERING_PATH } from './academic-session-wire.ts';

const SCOPE = 'https://purl.imsglobal.org/spec/or/v1p2/scope';
export const ROSTER_CORE_READONLY = `${SCOPE}/roster-core.readonly`;
export const ROSTER_READONLY = `${SCOPE}/roster.readonly`;
export const ROSTER_CREATEPUT = `${SCOPE}/roster.createput`;
export const ROSTER_DELETE = `${SCOPE}/roster.delete`;

export const CSV_PATH = '/ims/oneroster/v1p2/csv';

const READ = [ROSTER_READONLY, ROSTER_CORE_READONLY];
const P = ROSTERING_PATH;

export const ONEROSTER_SCOPES: Record<string, string[]> = {
  [`GET ${P}/academicSessions`]: READ,
  [`GET ${P}/academicSessions/:sourcedId`]: READ,
  [`GET ${P}/terms`]: READ,
  [`GET ${P}/terms/:sourcedId`]: READ,
  [`GET ${P}/gradingPeriods`]: READ,
  [`GET ${P}/gradingPeriods/:sourcedId`]: READ,
  [`GET ${P}/orgs`]: READ,
  [`GET ${P}/orgs/:sourcedId`]: READ,
  [`GET ${P}/schools`]: READ,
  [`GET ${P}/schools/:sourcedId`]: READ,
  // The OpenAPI grants these two to roster.readonly only.
  [`GET ${P}/schools/:schoolSourcedId/terms`]: [ROSTER_READONLY],
  [`GET ${P}/terms/:termSourcedId/gradingPeriods`]: [ROSTER_READONLY],
  [`PUT ${P}/academicSessions/:sourcedId`]: [ROSTER_CREATEPUT],
  [`PUT ${P}/terms/:sourcedId`]: [ROSTER_CREATEPUT],
  [`PUT ${P}/gradingPeriods/:sourcedId`]: [ROSTER_CREATEPUT],
  [`POST ${P}/academicSessions`]: [ROSTER_CREATEPUT],
  [`POST ${P}/terms`]: [ROSTER_CREATEPUT],
  [`POST ${P}/gradingPeriods`]: [ROSTER_CREATEPUT],
  [`DELETE ${P}/academicSessions/:sourcedId`]: [ROSTER_DELETE],
  [`DELETE ${P}/terms/:sourcedId`]: [ROSTER_DELETE],
  [`DELETE ${P}/gradingPeriods/:sourcedId`]: [ROSTER_DELETE],
  // A bulk file may mark records tobedeleted, so an upload needs both write scopes' holder: createput.
  [`POST ${CSV_PATH}`]: [ROSTER_CREATEPUT],
};
