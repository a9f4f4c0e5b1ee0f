// A state's rule tables, as data: the session-name translation table keyed by term type code.
// `{endYear}` in a pattern is the school year's end year. A state is added with a JSON file in
// src/sync/state-rules/, no code.

export interface StateRules {
  stateCode: string;
  name: string;
  sessionNames: Record<string, string>;
}

export type StateRuleBook = ReadonlyMap<string, StateRules>;

/** The session name for a term type, or null when the state's table has no row for it. */
export function sessionNameFor(rules: StateRules, termTypeCode: string, endYear: number): string | null {
  const pattern = rules.sessionNames[termTypeCode];
  if (pattern === undefined) return null;
  return pattern.replaceAll('{endYear}', String(endYear));
}
