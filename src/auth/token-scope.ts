// What a token request's `scope` grants. Two conventions share one endpoint:
// - Ed-Fi: one number, an EducationOrganizationId associated with the client (its tenant's
//   district or one of its schools), echoed back. The district's id grants the client's scopes;
//   a school's grants only its Ed-Fi scopes, limited to that school (ODS's EdOrg claim).
// - OAuth2 / OneRoster: space-separated scope names (OneRoster's are URIs), each of which the
//   client must hold; the token gets exactly those.
// Absent or blank: every scope the client holds.

export type ScopeRequest =
  | { kind: 'all' }
  | { kind: 'educationOrganization'; id: number }
  | { kind: 'named'; scopes: string[] }
  | { kind: 'invalid'; description: string };

const MAX_SCOPE_LENGTH = 2000;
/** Ed-Fi EducationOrganizationIds are int (ODS), so anything longer is not one. */
const MAX_EDORG_DIGITS = 10;

/** Parses the `scope` parameter; pure. */
export function parseScopeRequest(raw: string): ScopeRequest {
  if (raw.length > MAX_SCOPE_LENGTH) return { kind: 'invalid', description: `The supplied 'scope' is longer than ${MAX_SCOPE_LENGTH} characters.` };
  const asked = [...new Set(raw.split(/[ \t\r\n]+/).filter(Boolean))];
  if (asked.length === 0) return { kind: 'all' };
  const numbers = asked.filter((s) => /^\d+$/.test(s));
  if (numbers.length > 0) {
    if (asked.length > 1)
      return { kind: 'invalid', description: "An Ed-Fi EducationOrganizationId 'scope' must be sent alone, not together with other scopes." };
    const value = numbers[0]!;
    if (value.length > MAX_EDORG_DIGITS || Number(value) > 2_147_483_647)
      return { kind: 'invalid', description: `The supplied 'scope' ${value} is not a valid EducationOrganizationId.` };
    return { kind: 'educationOrganization', id: Number(value) };
  }
  return { kind: 'named', scopes: asked };
}

export interface ScopeGrant {
  /** The scopes the token carries. */
  scopes: string[];
  /** The `scope` value to answer with. */
  echo: string;
  /** Set when the token reaches only this school's Ed-Fi data. */
  schoolId?: number;
}

/** What an EducationOrganizationId is to the client's tenant. */
export type EducationOrganizationKind = 'district' | 'school' | null;

/** The scopes an EdOrg claim narrows; the other APIs know no education organizations. */
const isEdfiScope = (s: string) => s.startsWith('edfi:');

/**
 * Decides the grant. `educationOrganization` answers what an EducationOrganizationId is to the
 * client's tenant: its district, one of its schools, or nothing of its own.
 */
export async function grantScopes(
  clientScopes: string[],
  request: ScopeRequest,
  educationOrganization: (id: number) => Promise<EducationOrganizationKind>,
): Promise<ScopeGrant | { invalid: string }> {
  switch (request.kind) {
    case 'invalid':
      return { invalid: request.description };
    case 'all':
      return { scopes: clientScopes, echo: clientScopes.join(' ') };
    case 'educationOrganization': {
      const kind = await educationOrganization(request.id);
      if (kind === null) return { invalid: `The client is not associated with EducationOrganizationId ${request.id}.` };
      if (kind === 'district') return { scopes: clientScopes, echo: String(request.id) };
      const edfi = clientScopes.filter(isEdfiScope);
      if (edfi.length === 0) return { invalid: `EducationOrganizationId ${request.id} is a school; a school-scoped token is for the Ed-Fi API, and this client holds no Ed-Fi scope.` };
      return { scopes: edfi, echo: String(request.id), schoolId: request.id };
    }
    case 'named': {
      const missing = request.scopes.filter((s) => !clientScopes.includes(s));
      if (missing.length > 0) return { invalid: `The requested scope ${missing.map((s) => `'${s}'`).join(', ')} is not granted to this client.` };
      return { scopes: request.scopes, echo: request.scopes.join(' ') };
    }
  }
}
