// A OneRoster 1.1 or 1.2 CSV set (a zip or a folder: manifest.csv, orgs.csv, academicSessions.csv)
// as a connector. Both versions have the same nine academicSessions columns and seven orgs columns;
// the manifest's oneroster.version says which endDate meaning applies (oneroster-version.ts). It reads the files with the OneRoster CSV binding's own row readers, so a row is
// accepted or refused exactly as `POST /ims/oneroster/v1p2/csv` would; like that import it is
// all or nothing: any bad row fails the pull (naming file, line and column) and nothing changes.
// A bulk academicSessions file is the whole truth: sessions this connection pulled before that
// are absent from it are marked deleted. A delta file's tobedeleted rows are deletes.
import { academicSessionRows, type SessionRecord } from '../dialects/oneroster/csv/academic-session-rows.ts';
import { CsvProblems, unreadableProblem, type CsvProblem } from '../dialects/oneroster/csv/csv-problem.ts';
import { openCsvSource } from '../dialects/oneroster/csv/csv-source.ts';
import { readManifest } from '../dialects/oneroster/csv/manifest.ts';
import { readOrgRows } from '../dialects/oneroster/csv/org-rows.ts';
import { UnreadableFileError } from '../files/unreadable-file.ts';
import type { Connector, ConnectorRecord, PullPage, SchoolRef } from './connector.ts';
import { ONEROSTER_VERSIONS, type OneRosterVersionName } from './oneroster-version.ts';

const PAGE = 500;

export class CsvSetError extends Error {
  constructor(
    readonly connectionId: string,
    readonly path: string,
    readonly problems: CsvProblem[],
    count: number,
  ) {
    super(
      `connection ${connectionId}: the CSV set at ${path} has ${count} problem${count === 1 ? '' : 's'}; nothing was changed:\n` +
        problems
          .slice(0, 10)
          .map((p) => `  ${p.file || path}${p.line ? ` line ${p.line}` : ''}${p.column ? ` ${p.column}` : ''}: ${p.reason}`)
          .join('\n'),
    );
  }
}

export class OneRosterCsvConnector implements Connector {
  constructor(
    private readonly connectionId: string,
    private readonly path: string,
    /** A profile's override of the endDate meaning; otherwise the manifest's version decides. */
    private readonly endDate?: 'exclusive' | 'inclusive' | undefined,
  ) {}

  // A local file is read again from the start on resume: cheap, and the set may have changed.
  async *pages(): AsyncGenerator<PullPage, null, void> {
    const source = await openCsvSource(this.path).catch((err: unknown) => {
      if (err instanceof UnreadableFileError) throw new CsvSetError(this.connectionId, this.path, [unreadableProblem(err)], 1);
      throw err;
    });
    try {
      const problems = new CsvProblems();
      const fail = () => new CsvSetError(this.connectionId, this.path, problems.list, problems.count);
      const manifest = await readManifest(source, problems, ['1.2', '1.1']);
      if (!manifest || problems.count > 0) throw fail();
      const orgs = new Map<string, SchoolRef | null>();
      const schools: ConnectorRecord[] = [];
      if (manifest.modes.orgs !== 'absent') {
        const read = await readOrgRows(source.open('orgs.csv'), manifest.modes.orgs, problems, source.limits);
        if (problems.count > 0) throw fail();
        for (const o of read.orgs) orgs.set(o.sourcedId, o.type === 'school' ? { schoolId: o.schoolId, name: o.name, oneRosterOrg: o.sourcedId } : null);
        // Schools with an Ed-Fi schoolId the district lacks are created, as the Ed-Fi connector does.
        for (const o of read.orgs)
          if (o.type === 'school' && o.status === 'active' && o.schoolId !== null) schools.push({ kind: 'school', schoolId: o.schoolId, name: o.name });
      }
      const mode = manifest.modes.academicSessions;
      if (mode === 'absent') return null;
      // Every row is checked before anything is staged, so a bad row anywhere refuses the set.
      const records: ConnectorRecord[] = [...schools];
      const endDate = this.endDate ?? ONEROSTER_VERSIONS[manifest.version as OneRosterVersionName].endDate;
      for await (const row of academicSessionRows(source.open('academicSessions.csv'), mode, { limits: source.limits, endDate })) {
        if ('problems' in row) for (const p of row.problems) problems.add(p);
        else records.push(toRecord(row.record, orgs));
      }
      if (problems.count > 0) throw fail();
      if (mode === 'bulk') records.push({ kind: 'absentAreDeleted' });
      for (let i = 0; i < records.length || i === 0; i += PAGE)
        yield { records: records.slice(i, i + PAGE), resume: null, progress: { done: Math.min(records.length, i + PAGE), total: records.length } };
      return null;
    } finally {
      await source.close();
    }
  }
}

function toRecord(r: SessionRecord, orgs: Map<string, SchoolRef | null>): ConnectorRecord {
  if (r.status === 'deleted') return { kind: 'delete', sourceId: r.sourcedId };
  // An org the set does not describe may be one an earlier import or pull brought in.
  const school = r.orgSourcedId == null ? null : orgs.has(r.orgSourcedId) ? orgs.get(r.orgSourcedId)! : { oneRosterOrg: r.orgSourcedId };
  return {
    kind: 'session',
    sourceId: r.sourcedId,
    session: {
      school,
      schoolYear: r.schoolYear,
      name: r.name,
      type: r.type,
      beginDate: r.beginDate,
      endDate: r.endDate,
      parentSourceId: r.parentSourcedId,
      termDescriptor: r.termDescriptor ?? null,
      gradingPeriodDescriptor: r.gradingPeriodDescriptor ?? null,
      periodSequence: r.periodSequence ?? null,
      totalInstructionalDays: r.totalInstructionalDays ?? null,
      properties: r.extra && Object.keys(r.extra).length > 0 ? { oneRosterMetadata: r.extra } : {},
    },
  };
}
