// The Ed-Fi Data Standard 5.1 School beyond what termbridge keeps as columns (schoolId →
// orgs.school_id, nameOfInstitution → orgs.name): every other property, kept as the client wrote
// it (orgs.edfi_document) so a client reads back what it posted. Limits are the standard's.
import type { DocumentSpec, FieldSpec } from './document-reader.ts';

const descriptor = { kind: 'descriptor' } as const;
const required = { kind: 'descriptor', required: true } as const;
const periods: FieldSpec = { kind: 'collection', identity: ['beginDate'], item: { beginDate: { kind: 'date', required: true }, endDate: { kind: 'date' } } };

export const SCHOOL_DOCUMENT: DocumentSpec = {
  localEducationAgencyReference: { kind: 'reference', fields: { localEducationAgencyId: { kind: 'integer', required: true } } },
  charterApprovalSchoolYearTypeReference: { kind: 'reference', fields: { schoolYear: { kind: 'integer', required: true, min: 1900, max: 2100 } } },
  shortNameOfInstitution: { kind: 'string', max: 75 },
  webSite: { kind: 'string', max: 255, min: 5 },
  operationalStatusDescriptor: descriptor,
  administrativeFundingControlDescriptor: descriptor,
  charterApprovalAgencyTypeDescriptor: descriptor,
  charterStatusDescriptor: descriptor,
  internetAccessDescriptor: descriptor,
  magnetSpecialProgramEmphasisSchoolDescriptor: descriptor,
  schoolTypeDescriptor: descriptor,
  titleIPartASchoolDesignationDescriptor: descriptor,
  educationOrganizationCategories: {
    kind: 'collection',
    required: true,
    identity: ['educationOrganizationCategoryDescriptor'],
    item: { educationOrganizationCategoryDescriptor: required },
  },
  gradeLevels: { kind: 'collection', required: true, identity: ['gradeLevelDescriptor'], item: { gradeLevelDescriptor: required } },
  schoolCategories: { kind: 'collection', identity: ['schoolCategoryDescriptor'], item: { schoolCategoryDescriptor: required } },
  addresses: {
    kind: 'collection',
    identity: ['addressTypeDescriptor', 'city', 'postalCode', 'stateAbbreviationDescriptor', 'streetNumberName'],
    item: {
      addressTypeDescriptor: required,
      streetNumberName: { kind: 'string', max: 150, required: true },
      apartmentRoomSuiteNumber: { kind: 'string', max: 50 },
      buildingSiteNumber: { kind: 'string', max: 20 },
      city: { kind: 'string', max: 30, min: 2, required: true },
      stateAbbreviationDescriptor: required,
      postalCode: { kind: 'string', max: 17, required: true },
      nameOfCounty: { kind: 'string', max: 30 },
      countyFIPSCode: { kind: 'string', max: 5, min: 3 },
      latitude: { kind: 'string', max: 20 },
      longitude: { kind: 'string', max: 20 },
      doNotPublishIndicator: { kind: 'boolean' },
      congressionalDistrict: { kind: 'string', max: 30 },
      localeDescriptor: descriptor,
      periods,
    },
  },
  internationalAddresses: {
    kind: 'collection',
    identity: ['addressTypeDescriptor'],
    item: {
      addressTypeDescriptor: required,
      addressLine1: { kind: 'string', max: 150, required: true },
      addressLine2: { kind: 'string', max: 150 },
      addressLine3: { kind: 'string', max: 150 },
      addressLine4: { kind: 'string', max: 150 },
      countryDescriptor: required,
      beginDate: { kind: 'date' },
      endDate: { kind: 'date' },
      latitude: { kind: 'string', max: 20 },
      longitude: { kind: 'string', max: 20 },
    },
  },
  identificationCodes: {
    kind: 'collection',
    identity: ['educationOrganizationIdentificationSystemDescriptor'],
    item: { educationOrganizationIdentificationSystemDescriptor: required, identificationCode: { kind: 'string', max: 60, required: true } },
  },
  indicators: {
    kind: 'collection',
    identity: ['indicatorDescriptor'],
    item: {
      indicatorDescriptor: required,
      designatedBy: { kind: 'string', max: 60 },
      indicatorGroupDescriptor: descriptor,
      indicatorLevelDescriptor: descriptor,
      indicatorValue: { kind: 'string', max: 60 },
      periods,
    },
  },
  institutionTelephones: {
    kind: 'collection',
    identity: ['institutionTelephoneNumberTypeDescriptor'],
    item: { institutionTelephoneNumberTypeDescriptor: required, telephoneNumber: { kind: 'string', max: 24, required: true } },
  },
};

/** Root properties ODS filters a School collection by, beyond schoolId, nameOfInstitution and id. */
export const SCHOOL_DOCUMENT_FILTERS = [
  'shortNameOfInstitution',
  'webSite',
  'operationalStatusDescriptor',
  'administrativeFundingControlDescriptor',
  'charterApprovalAgencyTypeDescriptor',
  'charterStatusDescriptor',
  'internetAccessDescriptor',
  'magnetSpecialProgramEmphasisSchoolDescriptor',
  'schoolTypeDescriptor',
  'titleIPartASchoolDesignationDescriptor',
] as const;
