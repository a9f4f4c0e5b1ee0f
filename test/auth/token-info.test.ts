// POST /oauth/token_info as ODS's TokenInfoController answers it, over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantRepository } from '../../src/store/tenant-repository.ts';
import { createTenant, drivers, type TestTenant } from '../harness.ts';
import { newClient, startAuthApp, type AuthTestApp } from './auth-app.ts';

describe.each(drivers())('POST /oauth/token_info on %s', (driver) => {
  let t: AuthTestApp;
  let tenant: TestTenant;
  let c: Awaited<ReturnType<typeof newClient>>;
  beforeAll(async () => {
    t = await startAuthApp(driver);
    tenant = await createTenant(t);
    c = await newClient(t.store, tenant, ['edfi:read', 'edfi:write']);
  });
  afterAll(() => t.close());

  const issue = async (client: { basic: string }, scope?: string) =>
    (await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: client.basic, 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials${scope ? `&scope=${scope}` : ''}` })).json().access_token as string;
  const info = (bearer: string | undefined, payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/oauth/Token_Info', headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...headers }, payload });

  it('describes the caller’s own token: client, expiry, scopes, education organization and what it may do per resource', async () => {
    const token = await issue(c);
    const res = await info(token, { token });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ active: true, client_id: c.id, scope: 'edfi:read edfi:write', assigned_profiles: [], education_organizations: [] });
    expect(body.exp).toBeGreaterThan(Date.now() / 1000);
    expect(body.resources).toContainEqual({ resource: '/ed-fi/sessions', operations: expect.arrayContaining(['Read', 'Create', 'Update', 'Delete', 'ReadChanges']) });
    // A form body works too.
    expect((await info(token, `token=${token}`, { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(200);
  });

  it('names the school of a school-scoped token and what a read-only token may do', async () => {
    const reader = await newClient(t.store, tenant, ['edfi:read']);
    const school = tenant.schools[0]!;
    const token = await issue(reader, String(school.schoolId));
    const body = (await info(token, { token })).json();
    expect(body.education_organizations).toEqual([{ education_organization_id: school.schoolId, name_of_institution: school.name, type: 'edfi.School' }]);
    const sessions = (body.resources as { resource: string; operations: string[] }[]).find((r) => r.resource === '/ed-fi/sessions')!;
    expect(sessions.operations.sort()).toEqual(['Read', 'ReadChanges']);
    // The district's EdOrg id, when it has one.
    await t.store.db.updateTable('orgs').set({ school_id: 255901 }).where('tenant_id', '=', tenant.tenantId).where('kind', '=', 'district').execute();
    const district = (await new TenantRepository(t.store.db).orgs(tenant.tenantId, 'district'))[0]!;
    const dToken = await issue(reader);
    expect((await info(dToken, { token: dToken })).json().education_organizations).toEqual([{ education_organization_id: 255901, name_of_institution: district.name, type: 'edfi.LocalEducationAgency' }]);
  });

  it('refuses without a bearer (401), without a token (400), an unknown token (404) and another client’s token (401)', async () => {
    const token = await issue(c);
    const none = await info(undefined, { token });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect((await info(token, {})).statusCode).toBe(400);
    expect((await info(token, {})).json().error_description).toBe('Invalid token');
    expect((await info(token, { token: 'not-a-token' })).statusCode).toBe(404);
    const other = await newClient(t.store, tenant, ['edfi:read']);
    expect((await info(token, { token: await issue(other) })).statusCode).toBe(401);
  });
});
