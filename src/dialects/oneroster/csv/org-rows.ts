// orgs.csv: termbridge keeps the district (the tenant's own) and its schools; other org types
// (departments, states, …) are counted and skipped. A school's `identifier` is its Ed-Fi schoolId
// when it is a number.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { Tables } from '../../../store/schema.ts';
import { TenantRepository } from '../../../store/tenant-repository.ts';
import { GUID } from '../academic-session-input.ts';
import { OrgDirectory } from '../org-directory.ts';
import { csvRecords } from '../../../files/csv-records.ts';
import { UnreadableFileError } from '../../../files/unreadable-file.ts';
import type { UploadLimits } from '../../../files/upload-limits.ts';
import { badCellProblems, unreadableProblem, type CsvProblems } from './csv-problem.ts';
import type { FileMode } from './manifest.ts';

export const ORG_COLUMNS = ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'] as const;
const FILE = 'orgs.csv';
const ORG_TYPES = ['department', 'school', 'district', 'local', 'state', 'national'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OrgRecord {
  line: number;
  sourcedId: string;
  status: 'active' | 'tobedeleted';
  name: string;
  type: 'district' | 'school';
  schoolId: number | null;
}

/** A tenant is one district; no district has this many schools (New York City has about 1,800). */
const MAX_KEPT_ORGS = 10_000;

export async function readOrgRows(stream: Readable, mode: FileMode, problems: CsvProblems, limits?: UploadLimits): Promise<{ orgs: OrgRecord[]; skipped: number }> {
  const orgs: OrgRecord[] = [];
  let skipped = 0;
  let header: string[] | null = null;
  const bad = (line: number, column: string, reason: string) => problems.add({ file: FILE, line, column, reason });
  try {
    for await (const r of csvRecords(stream, { file: FILE, limits })) {
      const { record, line } = r;
      if (r.badCells) for (const p of badCellProblems(FILE, r, header ?? ORG_COLUMNS)) problems.add(p);
      if (!header) {
        header = record;
        const got = record.slice(0, ORG_COLUMNS.length).join(',');
        if (got !== ORG_COLUMNS.join(',') || record.slice(ORG_COLUMNS.length).some((c) => !c.startsWith('metadata.'))) {
          bad(1, '', `the header must be ${ORG_COLUMNS.join(',')} (then metadata.* columns only), not '${record.join(',')}'.`);
          return { orgs, skipped };
        }
        continue;
      }
      if (r.badCells) continue;
      const [sourcedId = '', status = '', dateLastModified = '', name = '', type = '', identifier = ''] = record;
      const before = problems.count;
      if (!GUID.test(sourcedId)) bad(line, 'sourcedId', `'${sourcedId}' is not a sourcedId.`);
      if (mode === 'bulk' && (status !== '' || dateLastModified !== '')) bad(line, status !== '' ? 'status' : 'dateLastModified', 'must be empty in a bulk file.');
      if (mode === 'delta' && status !== 'active' && status !== 'tobedeleted') bad(line, 'status', `must be active or tobedeleted in a delta file, not '${status}'.`);
      if (name.trim() === '') bad(line, 'name', 'an org needs a name.');
      if (!ORG_TYPES.includes(type)) bad(line, 'type', `'${type}' is not one of ${ORG_TYPES.join(', ')}.`);
      if (problems.count > before) continue;
      if (type !== 'school' && type !== 'district') {
        skipped++;
        continue;
      }
      if (orgs.length >= MAX_KEPT_ORGS) {
        bad(line, 'type', `more than ${MAX_KEPT_ORGS.toLocaleString('en-US')} schools; a tenant is one district.`);
        break;
      }
      orgs.push({ line, sourcedId, status: status === 'tobedeleted' ? 'tobedeleted' : 'active', name, type, schoolId: /^\d{1,15}$/.test(identifier) ? Number(identifier) : null });
    }
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    problems.add(unreadableProblem(err));
  }
  return { orgs, skipped };
}

/**
 * Writes the orgs (in the import's transaction): the district row names the tenant's district
 * (its sourcedId is kept as the district's oneroster identifier, its name as the district's
 * name), school rows create or update schools. Missing schools are not deleted: sessions and
 * other dialects still point at them.
 */
export async function applyOrgs(tx: Transaction<Tables>, tenantId: string, orgs: OrgRecord[], problems: CsvProblems): Promise<{ created: number; updated: number }> {
  const seen = new Map<string, number>();
  for (const o of orgs) {
    const first = seen.get(o.sourcedId);
    if (first !== undefined) problems.add({ file: FILE, line: o.line, column: 'sourcedId', reason: `sourcedId '${o.sourcedId}' is already on line ${first}.` });
    else seen.set(o.sourcedId, o.line);
  }
  const districts = orgs.filter((o) => o.type === 'district');
  for (const d of districts.slice(1)) problems.add({ file: FILE, line: d.line, column: 'type', reason: `a tenant has one district; line ${districts[0]!.line} already names it.` });
  if (problems.count > 0) return { created: 0, updated: 0 };

  let directory = await OrgDirectory.load(tx, tenantId);
  let created = 0;
  let updated = 0;
  const district = districts[0];
  const tenants = new TenantRepository(tx);
  if (district) {
    const current = directory.orgs.find((o) => o.id === directory.districtId)!;
    const renamed = current.name !== district.name;
    const reidentified = current.id !== district.sourcedId && current.identifiers.oneroster !== district.sourcedId;
    if (reidentified) await tenants.setOrgIdentifier(tenantId, current.id, 'oneroster', district.sourcedId);
    // The district's name is the file's, so an export writes back what was imported. Its Ed-Fi
    // EducationOrganizationId stays: tokens and school claims are scoped by it.
    if (renamed) await tenants.updateSchool(tenantId, current.id, { name: district.name, schoolId: current.schoolId, status: current.status });
    if (renamed || reidentified) updated++;
  }
  for (const o of orgs.filter((x) => x.type === 'school')) {
    const existing = directory.find(o.sourcedId);
    if (existing && existing.kind !== 'school') {
      problems.add({ file: FILE, line: o.line, column: 'type', reason: `'${o.sourcedId}' is the district, not a school.` });
      continue;
    }
    const clash = o.schoolId === null ? undefined : directory.orgs.find((x) => x.schoolId === o.schoolId && x.id !== existing?.id);
    if (clash) {
      problems.add({ file: FILE, line: o.line, column: 'identifier', reason: `schoolId ${o.schoolId} already belongs to the org '${clash.name}'.` });
      continue;
    }
    const status = o.status === 'tobedeleted' ? 'deleted' : 'active';
    if (existing) {
      if (existing.name !== o.name || existing.schoolId !== o.schoolId || existing.status !== status) {
        await tenants.updateSchool(tenantId, existing.id, { name: o.name, schoolId: o.schoolId, status });
        updated++;
      }
    } else {
      const id = UUID.test(o.sourcedId) ? o.sourcedId : randomUUID();
      await tenants.addSchool(tenantId, { id, name: o.name, schoolId: o.schoolId, identifiers: id === o.sourcedId ? {} : { oneroster: o.sourcedId } });
      created++;
    }
    directory = await OrgDirectory.load(tx, tenantId);
  }
  return { created, updated };
}
