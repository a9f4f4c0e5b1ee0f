// exportOneRosterCsv: the tenant's academic sessions and orgs as a bulk OneRoster 1.2 CSV zip,
// streamed page by page through csv-stringify into the zip, so importing it reproduces the data.
// A failure anywhere (a query, the zip, the output) ends the zip's stream with it, and the
// returned promise rejects: yazl listens to none of the streams it is given, so each is joined
// by `pipeline`, which does.
import { pipeline, Readable, type Writable } from 'node:stream';
import { pipeline as pipelineAll } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import yazl from 'yazl';
import { and } from '../../../query/ast.ts';
import type { Store } from '../../../store/database.ts';
import { SessionRepository } from '../../../store/session-repository.ts';
import { EXTRA_METADATA, sourcedIdOf } from '../academic-session-wire.ts';
import { VISIBLE } from '../academic-session-reader.ts';
import { OrgDirectory, orgSourcedId } from '../org-directory.ts';
import { wireEndDate, wireType } from '../wire-values.ts';
import { SESSION_COLUMNS, SESSION_EXTENSIONS } from './academic-session-rows.ts';
import { ORG_COLUMNS } from './org-rows.ts';

const PAGE = 2000;
/** The 1.2 binding's data files; only these two are exported, the rest are absent. */
const ALL_FILES = [
  'academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources', 'demographics', 'enrollments',
  'lineItemLearningObjectiveIds', 'lineItems', 'lineItemScoreScales', 'orgs', 'resources', 'resultLearningObjectiveIds', 'results',
  'resultScoreScales', 'roles', 'scoreScales', 'userProfiles', 'userResources', 'users',
];

const EXPORTED = and(VISIBLE, { field: 'status', op: 'eq', value: 'active' });

async function* sessionRows(store: Store, tenantId: string): AsyncGenerator<string[]> {
  yield [...SESSION_COLUMNS, ...SESSION_EXTENSIONS];
  const repo = new SessionRepository(store.db);
  const orgs = await OrgDirectory.load(store.db, tenantId);
  let after = 0;
  for (;;) {
    const { rows } = await repo.find(tenantId, {
      where: and(EXPORTED, { field: 'rowSeq', op: 'gt', value: after }),
      sort: [{ field: 'rowSeq', direction: 'asc' }],
      page: { kind: 'offset', offset: 0, limit: PAGE },
    });
    if (rows.length === 0) return;
    const parentIds = [...new Set(rows.map((r) => r.parentId).filter((p): p is string => p !== null))];
    const parents = new Map((await repo.getMany(tenantId, parentIds)).map((p) => [p.id, sourcedIdOf(p)]));
    for (const s of rows) {
      const extra = s.properties[EXTRA_METADATA];
      yield [
        sourcedIdOf(s), '', '', s.name, wireType(s.type), s.beginDate!, wireEndDate(s.endDate!),
        s.parentId ? (parents.get(s.parentId) ?? '') : '', String(s.schoolYear ?? Number(s.endDate!.slice(0, 4))),
        orgs.sourcedIdFor(s.schoolOrgId), s.termDescriptor ?? '', s.gradingPeriodDescriptor ?? '',
        s.periodSequence === null ? '' : String(s.periodSequence), s.totalInstructionalDays === null ? '' : String(s.totalInstructionalDays),
        extra && typeof extra === 'object' && Object.keys(extra).length > 0 ? JSON.stringify(extra) : '',
      ];
    }
    after = rows.at(-1)!.rowSeq;
  }
}

async function* orgRows(store: Store, tenantId: string): AsyncGenerator<string[]> {
  yield [...ORG_COLUMNS];
  const directory = await OrgDirectory.load(store.db, tenantId);
  const district = directory.orgs.find((o) => o.id === directory.districtId)!;
  for (const o of directory.orgs.filter((x) => x.status === 'active' && (x.kind === 'school' || x.id === district.id)))
    yield [orgSourcedId(o), '', '', o.name, o.kind, o.schoolId === null ? '' : String(o.schoolId), o.kind === 'school' ? orgSourcedId(district) : ''];
}

export async function exportOneRosterCsv(store: Store, tenantId: string, out: Writable): Promise<void> {
  // The binding has no empty data file (the import rightly refuses one): with no active session
  // to write, academicSessions is absent — the set still imports, and changes no session.
  const any = await new SessionRepository(store.db).find(tenantId, { where: EXPORTED, sort: [], page: { kind: 'offset', offset: 0, limit: 1 } });
  const written = new Set(any.rows.length > 0 ? ['academicSessions', 'orgs'] : ['orgs']);
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  // Heard by the pipeline below while it runs; after a failure yazl's own pipes may still write
  // to the destroyed stream, and that error lands here.
  output.on('error', () => {});
  const fail = (err: Error | null | undefined) => {
    if (err) output.destroy(err);
  };
  zip.on('error', fail);
  const csv = (rows: AsyncGenerator<string[]>) => pipeline(Readable.from(rows), stringify({ record_delimiter: '\r\n' }), fail);
  const manifest = [
    'propertyName,value',
    'manifest.version,1.0',
    'oneroster.version,1.2',
    ...ALL_FILES.map((f) => `file.${f},${written.has(f) ? 'bulk' : 'absent'}`),
    'source.systemName,termbridge',
    'source.systemCode,termbridge',
  ].join('\r\n');
  zip.addBuffer(Buffer.from(`${manifest}\r\n`), 'manifest.csv');
  zip.addReadStream(csv(orgRows(store, tenantId)), 'orgs.csv');
  if (written.has('academicSessions')) zip.addReadStream(csv(sessionRows(store, tenantId)), 'academicSessions.csv');
  zip.end();
  await pipelineAll(output, out);
}
