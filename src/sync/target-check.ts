// The connection test certification asks for: can we get a token, and does the target know
// every descriptor and school year the SIS mappings will send? Run before the first sync and
// after each year's re-mapping, so refusals show up here instead of in the error log.
import type { Db } from '../store/database.ts';
import { deriveEdfiSessions } from './derive/derive-edfi-sessions.ts';
import type { EdfiClient } from './edfi-client.ts';
import { SisRepository } from './sis-repository.ts';
import { loadStateRuleBook } from './state-rule-book.ts';

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

export async function checkTarget(db: Db, tenantId: string, client: EdfiClient): Promise<TargetCheck> {
  const lines: string[] = [];
  let ok = true;
  const fail = (s: string) => {
    ok = false;
    lines.push(`FAIL ${s}`);
  };
  try {
    await listAll(client, '/data/v3/ed-fi/schoolYearTypes');
    lines.push('ok   token and API reachable');
  } catch (err) {
    return { ok: false, lines: [`FAIL cannot reach the target: ${(err as Error).message}`] };
  }
  const derivation = deriveEdfiSessions(await new SisRepository(db).load(tenantId), loadStateRuleBook());
  const uris = (path: string) =>
    listAll(client, path).then((items) => new Set(items.map((d) => `${String(d.namespace)}#${String(d.codeValue)}`.toLowerCase())));
  const [terms, periods, years] = await Promise.all([
    uris('/data/v3/ed-fi/termDescriptors'),
    uris('/data/v3/ed-fi/gradingPeriodDescriptors'),
    listAll(client, '/data/v3/ed-fi/schoolYearTypes').then((ys) => new Set(ys.map((y) => Number(y.schoolYear)))),
  ]);
  const wanted = (resource: string, field: string) =>
    [...new Set(derivation.records.filter((r) => r.resource === resource).map((r) => String(r.body[field])))].sort();
  for (const d of wanted('sessions', 'termDescriptor')) if (!terms.has(d.toLowerCase())) fail(`term descriptor '${d}' is not in the target; map the term type to one it has`);
  for (const d of wanted('gradingPeriods', 'gradingPeriodDescriptor')) if (!periods.has(d.toLowerCase())) fail(`grading period descriptor '${d}' is not in the target`);
  for (const y of [...new Set(derivation.records.map((r) => r.schoolYear))].sort()) if (!years.has(y)) lines.push(`note school year ${y} is not in the target yet; the sync will post it`);
  if (ok) lines.push(`ok   ${wanted('sessions', 'termDescriptor').length} term descriptor(s) and ${wanted('gradingPeriods', 'gradingPeriodDescriptor').length} grading period descriptor(s) the SIS sends all exist in the target`);
  return { ok, lines };
}
