// A School round-trips every Ed-Fi DS 5.1 property a client posts, is validated like ODS
// (required collections, duplicate items) and resolves its references; a Session keeps its
// academicWeeks. Over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp, type TestTenant } from '../../harness.ts';
import { TenantRepository } from '../../../src/store/tenant-repository.ts';
import { DATA, edfiClient, schoolBody, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

const D = (kind: string, code: string) => `uri://ed-fi.org/${kind}#${code}`;

/** A certification-style School: every DS 5.1 property set. */
function fullSchool(schoolId: number, leaId: number): Record<string, unknown> {
  return {
    schoolId,
    nameOfInstitution: 'Grand Bend Elementary School',
    shortNameOfInstitution: 'GBES',
    webSite: 'http://www.GBISD.edu/GBES/',
    localEducationAgencyReference: { localEducationAgencyId: leaId },
    charterApprovalSchoolYearTypeReference: { schoolYear: 2026 },
    operationalStatusDescriptor: D('OperationalStatusDescriptor', 'Active'),
    administrativeFundingControlDescriptor: D('AdministrativeFundingControlDescriptor', 'Public School'),
    charterApprovalAgencyTypeDescriptor: D('CharterApprovalAgencyTypeDescriptor', 'State Education Agency'),
    charterStatusDescriptor: D('CharterStatusDescriptor', 'Not a Charter School'),
    internetAccessDescriptor: D('InternetAccessDescriptor', 'High speed'),
    magnetSpecialProgramEmphasisSchoolDescriptor: D('MagnetSpecialProgramEmphasisSchoolDescriptor', 'No students participate'),
    schoolTypeDescriptor: D('SchoolTypeDescriptor', 'Regular'),
    titleIPartASchoolDesignationDescriptor: D('TitleIPartASchoolDesignationDescriptor', 'Not A Title I School'),
    educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: D('EducationOrganizationCategoryDescriptor', 'School') }],
    gradeLevels: [{ gradeLevelDescriptor: D('GradeLevelDescriptor', 'First grade') }, { gradeLevelDescriptor: D('GradeLevelDescriptor', 'Second grade') }],
    schoolCategories: [{ schoolCategoryDescriptor: D('SchoolCategoryDescriptor', 'Elementary School') }],
    addresses: [
      {
        addressTypeDescriptor: D('AddressTypeDescriptor', 'Physical'),
        streetNumberName: '456 Elm Street',
        apartmentRoomSuiteNumber: 'Suite 2',
        buildingSiteNumber: 'B',
        city: 'Grand Bend',
        stateAbbreviationDescriptor: D('StateAbbreviationDescriptor', 'TX'),
        postalCode: '78834',
        nameOfCounty: 'Williston',
        countyFIPSCode: '48001',
        latitude: '28.4',
        longitude: '-99.9',
        doNotPublishIndicator: false,
        congressionalDistrict: '23',
        localeDescriptor: D('LocaleDescriptor', 'Suburban'),
        periods: [{ beginDate: '2020-01-01', endDate: '2030-12-31' }],
      },
    ],
    internationalAddresses: [
      { addressTypeDescriptor: D('AddressTypeDescriptor', 'Mailing'), addressLine1: '1 Rue X', countryDescriptor: D('CountryDescriptor', 'FR'), beginDate: '2021-01-01' },
    ],
    identificationCodes: [{ educationOrganizationIdentificationSystemDescriptor: D('EducationOrganizationIdentificationSystemDescriptor', 'SEA'), identificationCode: '255901001' }],
    indicators: [{ indicatorDescriptor: D('IndicatorDescriptor', 'Attendance'), indicatorValue: '96', designatedBy: 'State', periods: [{ beginDate: '2025-08-01' }] }],
    institutionTelephones: [{ institutionTelephoneNumberTypeDescriptor: D('InstitutionTelephoneNumberTypeDescriptor', 'Main'), telephoneNumber: '(950) 325-9465' }],
  };
}

/** The body as a reader of the item sees it: references gain links, nothing else changes. */
function withoutLinks(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutLinks);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'link').map(([k, x]) => [k, withoutLinks(x)]));
  return v;
}

describe.each(drivers())('Ed-Fi School documents on %s', (driver) => {
  let t: TestApp;
  let tenant: TestTenant;
  let c: EdfiClient;
  const LEA = 255901;
  beforeAll(async () => {
    t = await startApp(driver);
    tenant = await createTenant(t);
    await t.store.db.updateTable('orgs').set({ school_id: LEA }).where('tenant_id', '=', tenant.tenantId).where('kind', '=', 'district').execute();
    c = await edfiClient(t.app, tenant);
  });
  afterAll(() => t.close());

  it('a certification client posting a full school reads back what it posted', async () => {
    const posted = fullSchool(770001, LEA);
    const created = await c.post(`${DATA}/schools`, posted);
    expect(created.statusCode, created.body).toBe(201);
    const id = String(created.headers.location).split('/').pop()!;
    const got = (await c.get(`${DATA}/schools/${id}`)).json() as Record<string, unknown>;
    const { id: gotId, _etag, _lastModifiedDate, ...rest } = got;
    expect(gotId).toBe(id);
    expect(withoutLinks(rest)).toEqual(posted);
    expect(got['localEducationAgencyReference']).toMatchObject({ localEducationAgencyId: LEA, link: { rel: 'LocalEducationAgency' } });
    expect(got['charterApprovalSchoolYearTypeReference']).toMatchObject({ schoolYear: 2026, link: { rel: 'SchoolYearType', href: expect.stringMatching(/^\/ed-fi\/schoolYearTypes\/[0-9a-f]{32}$/) } });
    // Posting it again changes nothing: same ETag.
    const again = await c.post(`${DATA}/schools`, posted);
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe(created.headers.etag);
    // Every root property filters the collection, as in ODS.
    expect((await c.get(`${DATA}/schools?shortNameOfInstitution=GBES`)).json()).toHaveLength(1);
    expect((await c.get(`${DATA}/schools?schoolTypeDescriptor=${encodeURIComponent(D('SchoolTypeDescriptor', 'Regular'))}`)).json()).toHaveLength(1);
    expect((await c.get(`${DATA}/schools?localEducationAgencyId=${LEA}&charterApprovalSchoolYear=2026`)).json()).toHaveLength(1);
    expect((await c.get(`${DATA}/schools?shortNameOfInstitution=nope`)).json()).toHaveLength(0);
    // PUT replaces the document: a dropped collection reads back empty.
    const { addresses: _dropped, ...lessAddresses } = posted;
    expect((await c.put(`${DATA}/schools/${id}`, lessAddresses)).statusCode).toBe(204);
    expect((await c.get(`${DATA}/schools/${id}`)).json().addresses).toEqual([]);
  });

  it('validates like ODS: required collections, duplicate items, lengths and descriptor URIs', async () => {
    const res = await c.post(`${DATA}/schools`, {
      schoolId: 770002,
      nameOfInstitution: 'Bad',
      educationOrganizationCategories: [],
      gradeLevels: [{ gradeLevelDescriptor: D('GradeLevelDescriptor', 'First grade') }, { gradeLevelDescriptor: D('GradeLevelDescriptor', 'first GRADE') }],
      addresses: [{ addressTypeDescriptor: 'Physical', streetNumberName: '1 A St', city: 'X', stateAbbreviationDescriptor: D('StateAbbreviationDescriptor', 'TX') }],
      webSite: 'x',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: 'urn:ed-fi:api:bad-request:data-validation-failed' });
    expect(res.json().validationErrors).toEqual({
      '$.educationOrganizationCategories': ['EducationOrganizationCategories requires at least one object in the collection.'],
      '$.gradeLevels': ['The 2nd item of the GradeLevels collection is a duplicate.'],
      '$.addresses[0].addressTypeDescriptor': [
        "AddressTypeDescriptor value 'Physical' is not a valid value for use as a descriptor (a '#' is expected to delineate the namespace and code value portions).",
      ],
      '$.addresses[0].city': ['City must be between 2 and 30 characters in length.'],
      '$.addresses[0].postalCode': ['PostalCode is required.'],
      '$.webSite': ['WebSite must be between 5 and 255 characters in length.'],
    });
    const missing = await c.post(`${DATA}/schools`, { schoolId: 770003, nameOfInstitution: 'No collections' });
    expect(Object.keys(missing.json().validationErrors).sort()).toEqual(['$.educationOrganizationCategories', '$.gradeLevels']);
    expect((await c.get(`${DATA}/schools?schoolId=770002`)).json()).toEqual([]);
  });

  it('resolves the local education agency and the charter approval year: unknown → 409, never the district in its place', async () => {
    const unknownLea = await c.post(`${DATA}/schools`, schoolBody(770004, { localEducationAgencyReference: { localEducationAgencyId: 999999 } }));
    expect(unknownLea.statusCode).toBe(409);
    expect(unknownLea.json()).toMatchObject({ type: 'urn:ed-fi:api:data-conflict:unresolved-reference', detail: "The referenced 'LocalEducationAgency' item does not exist." });
    expect((await c.get(`${DATA}/schools?schoolId=770004`)).json()).toEqual([]);
    const unknownYear = await c.post(`${DATA}/schools`, schoolBody(770004, { charterApprovalSchoolYearTypeReference: { schoolYear: 1999 } }));
    expect(unknownYear.statusCode).toBe(409);
    expect(unknownYear.json().detail).toBe("The referenced 'SchoolYearType' item does not exist.");
    // A school posted without an LEA reads back without one.
    const { id } = await c.create(`${DATA}/schools`, schoolBody(770004));
    expect((await c.get(`${DATA}/schools/${id}`)).json()).not.toHaveProperty('localEducationAgencyReference');
    // A school never written through Ed-Fi still shows its district as its LEA.
    const legacy = await new TenantRepository(t.store.db).addSchool(tenant.tenantId, { name: 'Legacy', schoolId: 770005 });
    expect((await c.get(`${DATA}/schools/${legacy.id.replace(/-/g, '')}`)).json()).toMatchObject({
      localEducationAgencyReference: { localEducationAgencyId: LEA },
      educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: D('EducationOrganizationCategoryDescriptor', 'School') }],
      gradeLevels: [],
    });
  });

  it('sessions keep academicWeeks, refuse duplicates and other schools in them', async () => {
    const schoolId = tenant.schools[0]!.schoolId!;
    const weeks = [{ academicWeekReference: { schoolId, weekIdentifier: 'Week 01' } }, { academicWeekReference: { schoolId, weekIdentifier: 'Week 02' } }];
    const { id } = await c.create(`${DATA}/sessions`, sessionBody(schoolId, { academicWeeks: weeks }));
    expect((await c.get(`${DATA}/sessions/${id}`)).json().academicWeeks).toEqual(weeks);
    const dup = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Dup', academicWeeks: [weeks[0], weeks[0]] }));
    expect(dup.json().validationErrors).toEqual({ '$.academicWeeks': ['The 2nd item of the AcademicWeeks collection is a duplicate.'] });
    const other = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Other', academicWeeks: [{ academicWeekReference: { schoolId: 1, weekIdentifier: 'Week 01' } }] }));
    expect(other.json().validationErrors['$.academicWeeks'][0]).toMatch(/^All values supplied for 'schoolId' must match/);
    const short = await c.post(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: 'Short', academicWeeks: [{ academicWeekReference: { schoolId, weekIdentifier: 'W1' } }] }));
    expect(short.json().validationErrors['$.academicWeeks[0].academicWeekReference.weekIdentifier']).toEqual(['WeekIdentifier must be between 5 and 80 characters in length.']);
    // A PUT without them clears them.
    expect((await c.put(`${DATA}/sessions/${id}`, sessionBody(schoolId))).statusCode).toBe(204);
    expect((await c.get(`${DATA}/sessions/${id}`)).json().academicWeeks).toEqual([]);
  });
});
