// The CSV set as an async iterator of records, for connectors that read a OneRoster CSV source
// without importing it: orgs first, then academic sessions (canonical values, wire sourcedIds).
import { academicSessionRows, type SessionRecord } from './academic-session-rows.ts';
import { CsvProblems, type CsvProblem } from './csv-problem.ts';
import type { CsvSource } from './csv-source.ts';
import { readManifest } from './manifest.ts';
import { readOrgRows, type OrgRecord } from './org-rows.ts';

export type OneRosterCsvRecord =
  | { kind: 'org'; org: OrgRecord }
  | { kind: 'academicSession'; session: SessionRecord }
  | { kind: 'problem'; problem: CsvProblem };

export async function* oneRosterCsvRecords(source: CsvSource): AsyncGenerator<OneRosterCsvRecord> {
  const problems = new CsvProblems();
  const manifest = await readManifest(source, problems);
  for (const problem of problems.list) yield { kind: 'problem', problem };
  if (!manifest || problems.count > 0) return;
  if (manifest.modes.orgs !== 'absent') {
    const orgProblems = new CsvProblems();
    const { orgs } = await readOrgRows(source.open('orgs.csv'), manifest.modes.orgs, orgProblems, source.limits);
    for (const problem of orgProblems.list) yield { kind: 'problem', problem };
    for (const org of orgs) yield { kind: 'org', org };
  }
  if (manifest.modes.academicSessions === 'absent') return;
  for await (const r of academicSessionRows(source.open('academicSessions.csv'), manifest.modes.academicSessions, { limits: source.limits })) {
    if ('record' in r) yield { kind: 'academicSession', session: r.record };
    else for (const problem of r.problems) yield { kind: 'problem', problem };
  }
}
