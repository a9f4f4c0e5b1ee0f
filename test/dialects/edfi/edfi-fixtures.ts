// Shared by the Ed-Fi HTTP tests: session bodies and a small client over app.inject.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { TestTenant } from '../../harness.ts';

export const DATA = '/data/v3/ed-fi';
export const FALL = 'uri://ed-fi.org/TermDescriptor#Fall Semester';

export function sessionBody(schoolId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schoolReference: { schoolId },
    schoolYearTypeReference: { schoolYear: 2026 },
    sessionName: 'Fall Semester',
    beginDate: '2025-08-13',
    endDate: '2025-12-19',
    termDescriptor: FALL,
    totalInstructionalDays: 80,
    ...overrides,
  };
}

export function gradingPeriodBody(schoolId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gradingPeriodDescriptor: 'uri://ed-fi.org/GradingPeriodDescriptor#First Six Weeks',
    gradingPeriodName: 'GP1',
    schoolReference: { schoolId },
    schoolYearTypeReference: { schoolYear: 2026 },
    beginDate: '2025-08-13',
    endDate: '2025-09-19',
    totalInstructionalDays: 28,
    periodSequence: 1,
    ...overrides,
  };
}

/** The smallest School ODS accepts: its required collections hold one item each. */
export function schoolBody(schoolId: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schoolId,
    nameOfInstitution: `School ${schoolId}`,
    educationOrganizationCategories: [{ educationOrganizationCategoryDescriptor: 'uri://ed-fi.org/EducationOrganizationCategoryDescriptor#School' }],
    gradeLevels: [{ gradeLevelDescriptor: 'uri://ed-fi.org/GradeLevelDescriptor#Ninth grade' }],
    ...overrides,
  };
}

export interface EdfiClient {
  headers: Record<string, string>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  put(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  del(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** POSTs a session and returns its 32-hex id and ETag. */
  create(url: string, body: unknown): Promise<{ id: string; etag: string }>;
}

export async function edfiClient(app: FastifyInstance, tenant: TestTenant): Promise<EdfiClient> {
  const headers = await tenant.auth(['edfi:read', 'edfi:write']);
  const c: EdfiClient = {
    headers,
    get: (url, h = {}) => app.inject({ method: 'GET', url, headers: { ...headers, ...h } }),
    post: (url, body, h = {}) => app.inject({ method: 'POST', url, headers: { ...headers, ...h }, payload: body as object }),
    put: (url, body, h = {}) => app.inject({ method: 'PUT', url, headers: { ...headers, ...h }, payload: body as object }),
    del: (url, h = {}) => app.inject({ method: 'DELETE', url, headers: { ...headers, ...h } }),
    async create(url, body) {
      const res = await c.post(url, body);
      if (res.statusCode !== 201) throw new Error(`create ${url}: ${res.statusCode} ${res.body}`);
      return { id: String(res.headers.location).split('/').pop()!, etag: String(res.headers.etag) };
    },
  };
  return c;
}
