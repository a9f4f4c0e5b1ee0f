// What a token request's `scope` grants. Two conventions share one endpoint:
// - Ed-Fi: one number, an EducationOrganizationId associated with the client (its tenant's
//   district or one of its schools); it grants the client's scopes and is echoed back.
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
}

/**
 * Decides the grant. `isOwnEducationOrganization` answers whether an EducationOrganizationId
 * belongs to the client's tenant (district or school).
 */
export async function grantScopes(
  clientScopes: string[],
  request: ScopeRequest,
  isOwnEducationOrganization: (id: number) => Promise<boolean>,
): Promise<ScopeGrant | { invalid: string }> {
  switch (request.kind) {
    case 'invalid':
      return { invalid: request.description };
    case 'all':
      return { scopes: clientScopes, echo: clientScopes.join(' ') };
    case 'educationOrganization':
      return (await isOwnEducationOrganization(request.id))
        ? { scopes: clientScopes, echo: String(request.id) }
        : { invalid: `The client is not associated with EducationOrganizationId ${request.id}.` };
    case 'named': {
      const missing = request.scopes.filter((s) => !clientScopes.includes(s));
      if (missing.length > 0) return { invalid: `The requested scope ${missing.map((s) => `'${s}'`).join(', ')} is not granted to this client.` };
      return { scopes: request.scopes, echo: request.scopes.join(' ') };
    }
  }
}
