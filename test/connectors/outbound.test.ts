// The outbound client's pure parts: reading a platform's rate-limit headers, Schoology's OAuth
// 1.0a PLAINTEXT header (the HMAC signatures are in oauth1.test.ts), PowerSchool's list wrapper, and what a profile makes of a district's --url.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listOf } from '../../src/connectors/native/powerschool.ts';
import { applyProfile, providerProfile, providerProfiles } from '../../src/connectors/providers/provider-profiles.ts';
import { rateLimitWaitMs, resetDelayMs } from '../../src/connectors/rate-limit.ts';
import { oauth1Authorization } from '../../src/connectors/oauth1.ts';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');

describe('rate-limit headers', () => {
  it('reads seconds, epoch seconds, epoch milliseconds and HTTP dates as a wait from now', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 * 24 * 3600 }), (seconds) => {
        expect(resetDelayMs(String(seconds), NOW)).toBe(seconds * 1000);
        expect(resetDelayMs(String(Math.floor(NOW / 1000) + seconds), NOW)).toBe(seconds * 1000);
        expect(resetDelayMs(String(NOW + seconds * 1000), NOW)).toBe(seconds * 1000);
        expect(resetDelayMs(new Date(NOW + seconds * 1000).toUTCString(), NOW)).toBe(seconds * 1000);
      }),
    );
  });

  it('never throws and never asks for a negative wait, whatever the header says', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = resetDelayMs(value, NOW);
        expect(ms === null || (Number.isFinite(ms) && ms >= 0)).toBe(true);
      }),
    );
    expect(resetDelayMs(String(Math.floor(NOW / 1000) - 60), NOW)).toBe(0); // a reset already past
    expect(resetDelayMs('soon', NOW)).toBeNull();
  });

  it('waits after a success only when the window is used up, and prefers Retry-After after a refusal', () => {
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 5) }, NOW, false)).toBe(5000);
    expect(rateLimitWaitMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(NOW / 1000 + 5) }, NOW, false)).toBeNull();
    expect(rateLimitWaitMs({ 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '30' }, NOW, false)).toBe(30_000);
    expect(rateLimitWaitMs({ 'ratelimit-remaining': '0', 'ratelimit-reset': '2' }, NOW, false)).toBe(2000);
    expect(rateLimitWaitMs({ 'retry-after': '3', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW, true)).toBe(3000);
    expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(NOW / 1000 + 60) }, NOW, true)).toBe(60_000);
    expect(rateLimitWaitMs({}, NOW, true)).toBeNull();
  });
});

describe('OAuth 1.0a PLAINTEXT (Schoology)', () => {
  it('signs with the percent-encoded consumer secret and an empty token secret', () => {
    const schoology = { consumerKey: 'key one', consumerSecret: 's&cret', signatureMethod: 'PLAINTEXT', realm: 'Schoology API', token: { key: '', secret: '' } } as const;
    const header = oauth1Authorization(schoology, { method: 'GET', url: 'https://api.schoology.com/v1/gradingperiods?start=0&limit=200' }, 'abc', NOW / 1000);
    expect(header).toBe(
      `OAuth realm="Schoology API", oauth_consumer_key="key%20one", oauth_token="", oauth_nonce="abc", oauth_timestamp="${NOW / 1000}", oauth_signature_method="PLAINTEXT", oauth_version="1.0", oauth_signature="s%2526cret%26"`,
    );
  });
});

describe("PowerSchool's list wrapper", () => {
  it('is always a list: an array as is, one object as one item, an empty string or nothing as none', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.integer() }), { maxLength: 4 }), (items) => {
        const wire = items.length === 0 ? '' : items.length === 1 ? items[0] : items;
        expect(listOf({ term: wire }, 'term')).toEqual(items);
      }),
    );
    expect(listOf(undefined, 'term')).toEqual([]);
    expect(listOf('', 'term')).toEqual([]);
  });
});

describe('provider profiles', () => {
  it('list each of the seed’s 33 providers once; a reachable one has a kind, an unreachable one says why', () => {
    const ids = providerProfiles().map((p) => p.id);
    expect(new Set(ids).size).toBe(33);
    for (const p of providerProfiles()) expect(p.kind !== null || (p.unreachable ?? '').length > 20).toBe(true);
    expect(providerProfiles().filter((p) => p.kind !== null).length).toBeGreaterThanOrEqual(25);
  });

  it('turn a district host into the source and token URLs; a URL with a path is used as given', () => {
    // ClassLink signs each request (OAuth 1.0a): no token URL, unless the district chose OAuth 2.
    expect(applyProfile(providerProfile('classlink')!, { url: 'https://d.oneroster.com/' })).toEqual({
      kind: 'oneroster-rest',
      url: 'https://d.oneroster.com/ims/oneroster/v1p1',
      tokenUrl: null,
      settings: { oneRosterVersion: '1.1', paging: 'keyset', auth: 'oauth1-hmac-sha256' },
    });
    expect(applyProfile(providerProfile('classlink')!, { url: 'https://d.oneroster.com/', settings: { auth: 'oauth2' } })).toMatchObject({ tokenUrl: 'https://d.oneroster.com/oauth/token' });
    expect(applyProfile(providerProfile('infinitecampus')!, { url: 'https://c.example.org/campus/api/oneroster/v1p1/app1', settings: { school: 9 } })).toMatchObject({
      url: 'https://c.example.org/campus/api/oneroster/v1p1/app1',
      tokenUrl: 'https://c.example.org/campus/oauth2/token',
      settings: { oneRosterVersion: '1.1', school: 9 },
    });
    expect(applyProfile(providerProfile('edfi')!, { url: 'https://ods.example.org', tokenUrl: 'https://idp.example.org/token' })).toMatchObject({ url: 'https://ods.example.org/data/v3', tokenUrl: 'https://idp.example.org/token' });
    expect(applyProfile(providerProfile('clever')!, {})).toMatchObject({ kind: 'clever', url: 'https://api.clever.com', tokenUrl: null });
    expect(applyProfile(providerProfile('microsoft')!, { settings: { directory: 'contoso.onmicrosoft.com' } })).toMatchObject({
      kind: 'microsoft-graph',
      url: 'https://graph.microsoft.com/v1.0',
      tokenUrl: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token',
    });
    expect(applyProfile(providerProfile('oneroster')!, { url: 'https://sis.example.org', settings: { oneRosterVersion: '1.1' } })).toMatchObject({
      url: 'https://sis.example.org/ims/oneroster/v1p1',
      settings: { oneRosterVersion: '1.1', paging: 'keyset' },
    });
  });
});
