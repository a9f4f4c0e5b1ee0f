// Ed-Fi's education-organization claim. A token issued for one school (token request
// `scope=<schoolId>`) reaches only that school: its sessions, grading periods, school record and
// their deletes and key changes, as ODS's relationship-based authorization does. Collections
// are narrowed; an item or a body of another school is refused with 403. Tokens without the
// claim (district EdOrg, or no EdOrg scope) reach the whole tenant.
import type { FastifyRequest } from 'fastify';
import { eq, type Condition } from '../../query/ast.ts';
import { authorizationDenied } from './problem-details.ts';

export function claimedSchool(request: FastifyRequest): number | undefined {
  return request.principal.schoolId;
}

/** Conditions keeping a sessions collection inside the claim (none without one). */
export function claimConditions(request: FastifyRequest): Condition[] {
  const school = claimedSchool(request);
  return school === undefined ? [] : [eq('schoolId', school)];
}

/** Refuses, with Ed-Fi's 403, an item or a reference to a school outside the claim. */
export function authorizeSchool(request: FastifyRequest, schoolId: number | null | undefined): void {
  const school = claimedSchool(request);
  if (school === undefined || schoolId === school) return;
  throw authorizationDenied(
    `No relationships have been established between the caller's education organization id claim (${school}) and the resource item's SchoolId value${
      schoolId === null || schoolId === undefined ? '' : ` (${schoolId})`
    }.`,
  );
}

/**
 * Refuses, with Ed-Fi's 403, a school-claimed token's write to district-wide reference data
 * (school years, descriptors): one school's client may read them but not change them for every
 * school, as an ODS claim set without write rights on them would.
 */
export function authorizeDistrictWrite(request: FastifyRequest, resource: string): void {
  const school = claimedSchool(request);
  if (school === undefined) return;
  throw authorizationDenied(
    `The caller's education organization id claim (${school}) is a school; ${resource} are shared by the whole district and can be changed only by a client without a school claim.`,
  );
}
