// Pure parts of auth, without I/O: the scope parameter, Basic and Bearer headers, the
// failed-attempt counter, and the data directory lock's stale-pid rule.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slowDownSeconds } from '../../src/auth/failed-attempts.ts';
import { bearerToken } from '../../src/auth/hook.ts';
import { basicCredentials } from '../../src/auth/token-route.ts';
import { grantScopes, parseScopeRequest } from '../../src/auth/token-scope.ts';
import { acquireDataDirLock, DataDirBusyError, liveLock, lockPath, processStartedAt, readLock } from '../../src/cli/data-dir-lock.ts';

const OR = 'https://purl.imsglobal.org/spec/or/v1p2/scope/';

describe('parseScopeRequest', () => {
  it('reads absent, numeric and named scopes', () => {
    expect(parseScopeRequest('')).toEqual({ kind: 'all' });
    expect(parseScopeRequest('  ')).toEqual({ kind: 'all' });
    expect(parseScopeRequest('255901107')).toEqual({ kind: 'educationOrganization', id: 255901107 });
    expect(parseScopeRequest(`${OR}roster.readonly  ${OR}roster-core.readonly ${OR}roster.readonly`)).toEqual({
      kind: 'named',
      scopes: [`${OR}roster.readonly`, `${OR}roster-core.readonly`],
    });
    expect(parseScopeRequest('2147483648').kind).toBe('invalid');
    expect(parseScopeRequest('12 edfi:read').kind).toBe('invalid');
  });

  it('never throws, and every named scope it returns was in the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => {
        const r = parseScopeRequest(raw);
        if (r.kind === 'named') for (const s of r.scopes) expect(raw.includes(s)).toBe(true);
        if (r.kind === 'educationOrganization') expect(raw.trim()).toBe(String(r.id).padStart(raw.trim().length, '0'));
      }),
    );
  });

  it('round-trips any int EducationOrganizationId', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2_147_483_647 }), (id) => {
      expect(parseScopeRequest(` ${id} `)).toEqual({ kind: 'educationOrganization', id });
    }));
  });
});

describe('grantScopes', () => {
  const client = ['edfi:read', `${OR}roster.readonly`];
  const own = async (id: number) => (id === 255901 ? 'district' : id === 255901001 ? 'school' : null);
  it('grants held named scopes, the client’s scopes for its own EdOrg, and nothing else', async () => {
    expect(await grantScopes(client, parseScopeRequest(''), own)).toEqual({ scopes: client, echo: client.join(' ') });
    expect(await grantScopes(client, parseScopeRequest(`${OR}roster.readonly`), own)).toEqual({ scopes: [`${OR}roster.readonly`], echo: `${OR}roster.readonly` });
    expect(await grantScopes(client, parseScopeRequest('255901'), own)).toEqual({ scopes: client, echo: '255901' });
    expect(await grantScopes(client, parseScopeRequest('255902'), own)).toHaveProperty('invalid');
    expect(await grantScopes(client, parseScopeRequest(`edfi:read edfi:write`), own)).toEqual({ invalid: "The requested scope 'edfi:write' is not granted to this client." });
  });
  it('limits a school’s EdOrg token to that school and to the Ed-Fi scopes', async () => {
    expect(await grantScopes(client, parseScopeRequest('255901001'), own)).toEqual({ scopes: ['edfi:read'], echo: '255901001', schoolId: 255901001 });
    expect(await grantScopes([`${OR}roster.readonly`], parseScopeRequest('255901001'), own)).toHaveProperty('invalid');
  });
  it('never grants a scope the client does not hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('edfi:read', 'edfi:write', `${OR}roster.readonly`, `${OR}roster.delete`, '7', 'x'), { maxLength: 5 }), async (asked) => {
        const g = await grantScopes(client, parseScopeRequest(asked.join(' ')), own);
        if (!('invalid' in g)) for (const s of g.scopes) expect(client).toContain(s);
      }),
    );
  });
});

describe('basicCredentials and bearerToken', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  it('decodes Basic credentials, form-urlencoded per RFC 6749 §2.3.1', () => {
    expect(basicCredentials(`Basic ${b64('tb_abc:s3cr%3At')}`)).toEqual({ id: 'tb_abc', secret: 's3cr:t' });
    expect(basicCredentials(undefined)).toBe('absent');
    expect(basicCredentials('Bearer x')).toBe('other-scheme');
    // An empty key or secret is not malformed but missing: the route answers 401 invalid_request.
    expect(basicCredentials(`Basic ${b64(':secret')}`)).toEqual({ id: '', secret: 'secret' });
    expect(basicCredentials(`Basic ${b64(':')}`)).toEqual({ id: '', secret: '' });
    for (const bad of ['Basic', `Basic ${b64('nocolon')}`, `Basic ${b64('a:%')}`, 'Basic a b', 'Basic ###'])
      expect(basicCredentials(bad), bad).toBe('malformed');
  });
  it('never throws on any header', () => {
    fc.assert(fc.property(fc.string(), (h) => {
      basicCredentials(`Basic ${h}`);
    }));
    fc.assert(fc.property(fc.string(), (h) => {
      bearerToken(h);
    }));
  });
  it('reads Bearer tokens with Ed-Fi’s messages', () => {
    expect(bearerToken('bearer abc')).toEqual({ token: 'abc' });
    expect(bearerToken(undefined)).toMatchObject({ problem: 'Authorization header is missing.', reason: 'missingToken' });
    expect(bearerToken('Basic abc')).toMatchObject({ problem: 'Unknown Authorization header scheme.' });
    expect(bearerToken('Bearer')).toMatchObject({ problem: 'Missing Authorization header bearer token value.' });
    expect(bearerToken('Bearer a b')).toMatchObject({ problem: 'Invalid Authorization header.' });
  });
});

describe('the failed-attempt slow-down', () => {
  it('lets max failures through, then doubles the wait after the last failure up to the cap', () => {
    const last = 1_000_000;
    expect(slowDownSeconds(2, 3, last, last, 60)).toBe(0);
    expect(slowDownSeconds(3, 3, last, last, 60)).toBe(2);
    expect(slowDownSeconds(5, 3, last, last, 60)).toBe(8);
    expect(slowDownSeconds(5, 3, last, last + 7_500, 60)).toBe(1);
    expect(slowDownSeconds(5, 3, last, last + 8_000, 60)).toBe(0);
    expect(slowDownSeconds(40, 3, last, last, 60)).toBe(60); // slowed, never locked for longer
  });
});

describe('the data directory lock', () => {
  it('is exclusive, names its holder, and takes over a stale lock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'termbridge-lock-'));
    try {
      const lock = acquireDataDirLock(dir, 'serve');
      expect(liveLock(dir)?.pid).toBe(process.pid);
      expect(() => acquireDataDirLock(dir, 'clients list')).toThrow(DataDirBusyError);
      lock.update({ host: '127.0.0.1', port: 3000, adminKey: 'k' });
      expect(readLock(dir)).toMatchObject({ pid: process.pid, command: 'serve', port: 3000, adminKey: 'k' });
      lock.release();
      expect(readLock(dir)).toBeNull();
      writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 7, command: 'serve', startedAt: 'then' }));
      expect(liveLock(dir)).toBeNull();
      // A live pid that started after the lock was written is a reused pid: stale too (Linux).
      writeFileSync(lockPath(dir), JSON.stringify({ pid: process.pid, command: 'serve', startedAt: '2000-01-01T00:00:00Z' }));
      if (processStartedAt(process.pid) !== undefined) expect(liveLock(dir)).toBeNull();
      writeFileSync(lockPath(dir), JSON.stringify({ pid: process.pid, command: 'serve', startedAt: new Date().toISOString() }));
      expect(liveLock(dir)?.pid).toBe(process.pid);
      expect(() => acquireDataDirLock(dir, 'clients list')).toThrow(/in use by 'termbridge serve'/);
      writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 7, command: 'serve', startedAt: 'then' }));
      const again = acquireDataDirLock(dir, 'clients list');
      expect(readLock(dir)?.command).toBe('clients list');
      again.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
