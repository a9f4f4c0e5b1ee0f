// Next-Page-Token on every non-empty page (a partition's last one included) and /partitions on
// every collection with ODS's sizing rule. Over HTTP on both drivers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, drivers, startApp, type TestApp } from '../../harness.ts';
import { DATA, edfiClient, sessionBody, type EdfiClient } from './edfi-fixtures.ts';

describe.each(drivers())('Ed-Fi cursor paging on %s', (driver) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(driver);
  });
  afterAll(() => t.close());

  /** Follows Next-Page-Token from `token` as a client does: until a page comes back empty. */
  async function walk(c: EdfiClient, resource: string, token: string, pageSize: number, filters = ''): Promise<{ ids: string[]; requests: string[] }> {
    const ids: string[] = [];
    const requests: string[] = [];
    let next: string | undefined = token;
    for (let i = 0; i < 50 && next !== undefined; i++) {
      const url = `${DATA}/${resource}?pageToken=${next}&pageSize=${pageSize}${filters}`;
      requests.push(url);
      const res = await c.get(url);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as { id: string }[];
      ids.push(...page.map((x) => x.id));
      const header = res.headers['next-page-token'] as string | undefined;
      if (page.length > 0) expect(header, `a non-empty page of ${resource} without Next-Page-Token`).toBeDefined();
      else expect(header).toBeUndefined();
      next = page.length > 0 ? header : undefined;
    }
    return { ids, requests };
  }

  it('every partition page that has rows carries Next-Page-Token, the last one of each partition too', async () => {
    const tenant = await createTenant(t);
    const c = await edfiClient(t.app, tenant);
    const schoolId = tenant.schools[0]!.schoolId!;
    for (let i = 0; i < 6; i++) await c.create(`${DATA}/sessions`, sessionBody(schoolId, { sessionName: `S${i}` }));
    const tokens = (await c.get(`${DATA}/sessions/partitions?number=3&allowSmallPartitions=true`)).json().pageTokens as string[];
    expect(tokens).toHaveLength(3);
    const seen: string[] = [];
    for (const token of tokens) {
      // Pages of exactly the partition's size: its last row ends a page.
      const { ids, requests } = await walk(c, 'sessions', token, 2);
      expect(requests.some((r) => r.includes('pageToken=null') || r.includes('pageToken=undefined'))).toBe(false);
      seen.push(...ids);
    }
    expect(seen.sort()).toEqual(((await c.get(`${DATA}/sessions`)).json() as { id: string }[]).map((s) => s.id).sort());
  });

  it('serves /partitions on schools, schoolYearTypes and descriptors, sized as ODS sizes them', async () => {
    const tenant = await createTenant(t, { schools: 5 });
    const c = await edfiClient(t.app, tenant);
    for (const resource of ['schools', 'schoolYearTypes', 'termDescriptors', 'gradingPeriodDescriptors']) {
      const all = ((await c.get(`${DATA}/${resource}?limit=500`)).json() as { id: string }[]).map((x) => x.id);
      // Fewer rows than 2,500: one partition, whatever number asks.
      const one = await c.get(`${DATA}/${resource}/partitions?number=4`);
      expect(one.statusCode, `${resource}: ${one.body}`).toBe(200);
      expect(one.json().pageTokens, resource).toHaveLength(1);
      expect((await walk(c, resource, one.json().pageTokens[0], 500)).ids).toEqual(all);
      // allowSmallPartitions splits them; the partitions cover every row once.
      const tokens = (await c.get(`${DATA}/${resource}/partitions?number=2&allowSmallPartitions=true`)).json().pageTokens as string[];
      expect(tokens).toHaveLength(2);
      const ids = (await Promise.all(tokens.map((tk) => walk(c, resource, tk, 2)))).flatMap((w) => w.ids);
      expect(ids.sort()).toEqual([...all].sort());
      expect((await c.get(`${DATA}/${resource}/partitions?number=0`)).json().errors).toEqual(['Number of partitions must be between 1 and 200.']);
    }
    // Filters narrow partitions as they narrow the list; the pages repeat them, as with ODS.
    const schoolId = tenant.schools[2]!.schoolId!;
    const filtered = (await c.get(`${DATA}/schools/partitions?schoolId=${schoolId}`)).json().pageTokens as string[];
    expect((await walk(c, 'schools', filtered[0]!, 5, `&schoolId=${schoolId}`)).ids).toEqual([tenant.schools[2]!.id.replace(/-/g, '')]);
  });
});
