// The connection test certification asks for: for each school year the SIS will send, can we
// get a token from its target, and does that target know every descriptor the mappings use?
// Run before the first sync and after each year's re-mapping, so refusals show up here
// instead of in the error log.
import type { Db } from '../store/database.ts';
import { deriveEdfiSessions } from './derive/derive-edfi-sessions.ts';
import type { EdfiClient } from './edfi-client.ts';
import { SisRepository } from './sis-repository.ts';
import { loadStateRuleBook } from './state-rule-book.ts';
import { clientFor, type TargetFor } from './target-router.ts';

export interface TargetCheck {
  ok: boolean;
  lines: string[];
}

async function listAll(client: EdfiClient, path: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let offset = 0; ; offset += 500) {
    const res = await client.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=500&offset=${offset}`);
    if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`GET ${path} answered ${res.status}`);
    out.push(...(res.body as Array<Record<string, unknown>>));
    if (res.body.length < 500) return out;
  }
}

const uriSet = (items: Array<Record<string, unknown>>) => new Set(items.map((d) => `${String(d.namespace)}#${String(d.codeValue)}`.toLowerCase()));

export async function checkTarget(db: Db, tenantId: string, target: TargetFor): Promise<TargetCheck> {
  const lines: string[] = [];
  let ok = true;
  const fail = (s: string) => {
    ok = false;
    lines.push(`FAIL ${s}`);
  };
  const derivation = deriveEdfiSessions(await new SisRepository(db).load(tenantId), loadStateRuleBook());
  const years = [...new Set(derivation.records.map((r) => r.schoolYear))].sort((a, b) => a - b);
  if (years.length === 0) {
    // Nothing to send yet: still prove the default target answers.
    years.push(new Date().getUTCFullYear());
  }
  for (const year of years) {
    let client: EdfiClient;
    try {
      client = clientFor(target, year);
    } catch (err) {
      fail((err as Error).message);
      continue;
    }
    let existing: { terms: Set<string>; periods: Set<string>; years: Set<number> };
    try {
      const [terms, periods, schoolYears] = await Promise.all([
        listAll(client, '/data/v3/ed-fi/termDescriptors').then(uriSet),
        listAll(client, '/data/v3/ed-fi/gradingPeriodDescriptors').then(uriSet),
        listAll(client, '/data/v3/ed-fi/schoolYearTypes').then((ys) => new Set(ys.map((y) => Number(y.schoolYear)))),
      ]);
      existing = { terms, periods, years: schoolYears };
      lines.push(`ok   ${year}: token and API reachable`);
    } catch (err) {
      fail(`${year}: cannot reach the target: ${(err as Error).message}`);
      continue;
    }
    const records = derivation.records.filter((r) => r.schoolYear === year);
    const wanted = (resource: string, field: string) => [...new Set(records.filter((r) => r.resource === resource).map((r) => String(r.body[field])))].sort();
    const before: boolean = ok;
    for (const d of wanted('sessions', 'termDescriptor')) if (!existing.terms.has(d.toLowerCase())) fail(`${year}: term descriptor '${d}' is not in the target; map the term type to one it has`);
    for (const d of wanted('gradingPeriods', 'gradingPeriodDescriptor')) if (!existing.periods.has(d.toLowerCase())) fail(`${year}: grading period descriptor '${d}' is not in the target`);
    if (records.length > 0 && !existing.years.has(year)) lines.push(`note ${year}: the school year is not in the target yet; the sync will post it`);
    if (ok === before && records.length > 0)
      lines.push(`ok   ${year}: ${wanted('sessions', 'termDescriptor').length} term descriptor(s) and ${wanted('gradingPeriods', 'gradingPeriodDescriptor').length} grading period descriptor(s) the SIS sends all exist in the target`);
  }
  return { ok, lines };
}
