// Repeating a non-idempotent send whose first outcome is unknown: the target is read by natural
// key first, so a DELETE or key change the target already did is not done again. Retry-After
// is read as seconds or an HTTP date.
import { describe, expect, it } from 'vitest';
import type { EdfiClient, EdfiResponse } from '../../src/sync/edfi-client.ts';
import type { OutboxOp } from '../../src/sync/outbox.ts';
import { retryAfterMs, sendOperation } from '../../src/sync/send-operation.ts';

const key = { schoolId: 1, schoolYear: 2026, sessionName: '2026 Quarter 1' };
const oldKey = { ...key, sessionName: '2026 First Semester' };
const text = (k: object) => `sessions:${JSON.stringify(k)}`;

function op(action: OutboxOp['action'], attempts: number): OutboxOp {
  return {
    opId: 1,
    batchId: 1,
    attempts,
    rank: 2,
    resource: 'sessions',
    action,
    keyText: action === 'delete' ? text(oldKey) : text(key),
    naturalKey: action === 'delete' ? oldKey : key,
    previousKeyText: text(oldKey),
    body: action === 'delete' ? null : { sessionName: key.sessionName },
    hash: action === 'delete' ? null : 'h',
    sources: [],
    dependsOn: [],
    schoolId: 1,
    schoolYear: 2026,
    reason: action === 'delete' ? 'removed' : 'key change',
  };
}

/** A target holding `items` (natural key text -> id), recording the calls it gets. */
function fakeTarget(items: Record<string, string>) {
  const calls: string[] = [];
  const res = (status: number, body: unknown = null): EdfiResponse => ({ status, headers: new Headers(), body });
  const client = {
    async findId(_resource: string, k: object) {
      calls.push(`GET ${JSON.stringify(k)}`);
      const id = items[text(k)] ?? null;
      return { id, response: res(200, id ? [{ id }] : []) };
    },
    async put(_resource: string, id: string) {
      calls.push(`PUT ${id}`);
      return res(Object.values(items).includes(id) ? 204 : 404);
    },
    async delete(_resource: string, id: string) {
      calls.push(`DELETE ${id}`);
      return res(Object.values(items).includes(id) ? 204 : 404);
    },
    async post() {
      calls.push('POST');
      return res(201);
    },
  };
  return { client: client as unknown as EdfiClient, calls };
}

describe('repeating a send whose outcome is unknown', () => {
  it('a DELETE the target already did is acknowledged without another DELETE', async () => {
    const { client, calls } = fakeTarget({}); // gone: the lost answer was a success
    const outcome = await sendOperation(client, op('delete', 2), async () => 'stale-id');
    expect(outcome).toMatchObject({ kind: 'ack', deleted: true });
    expect(calls).toEqual([`GET ${JSON.stringify(oldKey)}`]);
  });

  it('a DELETE not yet done is sent to the id the target has now', async () => {
    const { client, calls } = fakeTarget({ [text(oldKey)]: 'current-id' });
    expect(await sendOperation(client, op('delete', 2), async () => 'stale-id')).toMatchObject({ kind: 'ack', deleted: true, edfiId: 'current-id' });
    expect(calls).toEqual([`GET ${JSON.stringify(oldKey)}`, 'DELETE current-id']);
  });

  it('a key change the target already made is finished with a plain PUT to the item under the new key', async () => {
    const { client, calls } = fakeTarget({ [text(key)]: 'moved-id' });
    expect(await sendOperation(client, op('put', 3), async () => 'old-id')).toMatchObject({ kind: 'ack', edfiId: 'moved-id' });
    expect(calls).toEqual([`GET ${JSON.stringify(key)}`, 'PUT moved-id']);
  });

  it('a first attempt is sent as planned, without reading first', async () => {
    const { client, calls } = fakeTarget({ [text(oldKey)]: 'old-id' });
    expect(await sendOperation(client, op('delete', 1), async () => 'old-id')).toMatchObject({ kind: 'ack', deleted: true });
    expect(calls).toEqual(['DELETE old-id']);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});
