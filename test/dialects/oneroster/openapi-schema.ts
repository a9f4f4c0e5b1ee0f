// The official OneRoster 1.2 rostering OpenAPI schemas as ajv validators, with the one addition
// the seed makes: `org`, a GUIDRef to the session's school or district.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule) as unknown as (ajv: Ajv) => void;

// 1EdTech's published OneRoster 1.2 rostering OpenAPI, vendored so the suite needs nothing beside the repo.
const OAS_PATH = new URL('../../fixtures/oneroster-v1p2-rostering.openapi.json', import.meta.url);

function load() {
  const doc = JSON.parse(readFileSync(OAS_PATH, 'utf8')) as { components: { schemas: Record<string, Record<string, unknown>> } };
  const schemas = structuredClone(doc.components.schemas);
  const session = schemas.AcademicSessionDType as { properties: Record<string, unknown> };
  session.properties.org = {
    type: 'object',
    properties: { href: { type: 'string', format: 'uri' }, sourcedId: { type: 'string' }, type: { type: 'string', enum: ['org'] } },
    required: ['href', 'sourcedId', 'type'],
    additionalProperties: false,
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'oas', components: { schemas } });
  const compile = (name: string) => ajv.getSchema(`oas#/components/schemas/${name}`)!;
  return {
    collection: compile('AcademicSessionSetDType'),
    single: compile('SingleAcademicSessionDType'),
    session: compile('AcademicSessionDType'),
    statusInfo: compile('imsx_StatusInfoDType'),
    orgSet: compile('OrgSetDType'),
    singleOrg: compile('SingleOrgDType'),
  };
}

export const validators = load();

/** Throws with ajv's errors when `body` does not match the named schema. */
export function expectValid(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body)) throw new Error(`${kind} does not match the OneRoster 1.2 schema: ${JSON.stringify(validate.errors)}\n${JSON.stringify(body).slice(0, 800)}`);
}
