// Ed-Fi School ↔ a tenant's school org. Pure. schoolId and nameOfInstitution are the org's
// columns; every other DS 5.1 property is the org's Ed-Fi document, written back as it was
// posted. A school never written through Ed-Fi (the CLI's, a CSV's, a connector's) shows the
// School category, no grade levels and the district as its local education agency.
import type { Org } from '../../store/tenant-repository.ts';
import { emptyCollections, inSpecOrder, readDocument } from './document-reader.ts';
import { toEdfiId } from './resource-id.ts';
import { SCHOOL_DOCUMENT } from './school-document.ts';
import { link } from './session-mapping.ts';
import { BodyReader, type ValidationErrors } from './wire-body.ts';

export const SCHOOL_CATEGORY = 'uri://ed-fi.org/EducationOrganizationCategoryDescriptor#School';

export interface WireSchool {
  schoolId: number;
  nameOfInstitution: string;
  document: Record<string, unknown>;
}

export interface SchoolLinkTargets {
  district: Org | undefined;
  schoolYearIds: Map<number, string>;
}

function reference(document: Record<string, unknown>, name: string, key: string): number | undefined {
  const ref = document[name] as Record<string, unknown> | undefined;
  return typeof ref?.[key] === 'number' ? (ref[key] as number) : undefined;
}

export function localEducationAgencyIdOf(document: Record<string, unknown>): number | undefined {
  return reference(document, 'localEducationAgencyReference', 'localEducationAgencyId');
}

export function charterApprovalSchoolYearOf(document: Record<string, unknown>): number | undefined {
  return reference(document, 'charterApprovalSchoolYearTypeReference', 'schoolYear');
}

/** The document a school has when it was never written through Ed-Fi. */
function defaultDocument(district: Org | undefined): Record<string, unknown> {
  return {
    ...(district?.schoolId ? { localEducationAgencyReference: { localEducationAgencyId: district.schoolId } } : {}),
    educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: SCHOOL_CATEGORY }],
    gradeLevels: [],
  };
}

export function schoolToWire(o: Org, targets: SchoolLinkTargets): Record<string, unknown> {
  const document = inSpecOrder(o.edfiDocument ?? defaultDocument(targets.district), SCHOOL_DOCUMENT);
  const lea = localEducationAgencyIdOf(document);
  const charterYear = charterApprovalSchoolYearOf(document);
  const { district } = targets;
  return {
    id: toEdfiId(o.id),
    schoolId: o.schoolId!,
    nameOfInstitution: o.name,
    ...emptyCollections(SCHOOL_DOCUMENT),
    ...document,
    ...(lea === undefined
      ? {}
      : { localEducationAgencyReference: { localEducationAgencyId: lea, ...link('LocalEducationAgency', 'localEducationAgencies', district?.schoolId === lea ? district.id : undefined) } }),
    ...(charterYear === undefined
      ? {}
      : { charterApprovalSchoolYearTypeReference: { schoolYear: charterYear, ...link('SchoolYearType', 'schoolYearTypes', targets.schoolYearIds.get(charterYear)) } }),
    _etag: String(o.changeVersion),
    _lastModifiedDate: o.updatedAt,
  };
}

export function parseSchoolBody(body: Record<string, unknown>): { ok: true; value: WireSchool } | { ok: false; errors: ValidationErrors } {
  const r = new BodyReader(body);
  const schoolId = r.integer('schoolId', { min: 1 });
  const nameOfInstitution = r.string('nameOfInstitution', 75);
  const document = readDocument(r, SCHOOL_DOCUMENT);
  if (!r.ok) return { ok: false, errors: r.errors };
  return { ok: true, value: { schoolId: schoolId!, nameOfInstitution: nameOfInstitution!, document } };
}

/** JSON with object keys sorted: jsonb does not keep key order, so equality compares this. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export function sameDocument(a: Record<string, unknown> | null, b: Record<string, unknown>): boolean {
  return a !== null && canonicalJson(a) === canonicalJson(b);
}
