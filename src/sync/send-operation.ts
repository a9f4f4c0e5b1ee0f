// One outbox operation against the target, turned into an outcome the worker can act on:
// acknowledged (with the target's id), transient (retry with back-off) or permanent (error
// log). Ids come from the identity map, else from a natural-key lookup on the target.
import { KEY_UPDATABLE, type NaturalKeyValues } from './derive/edfi-record.ts';
import { EdfiClient, idFromLocation, TargetAuthError, TransportError, type EdfiResponse } from './edfi-client.ts';
import type { OutboxOp } from './outbox.ts';

export type Outcome =
  | { kind: 'ack'; edfiId: string | null; deleted: boolean; status: number }
  | { kind: 'transient'; status: number | null; message: string; response: unknown; retryAfterMs?: number }
  | { kind: 'permanent'; status: number; message: string; response: unknown; request: unknown };

/** Looks up the target id the identity map remembers for a natural key (undefined: not mapped). */
export type IdLookup = (keyText: string) => Promise<string | null | undefined>;

export async function sendOperation(client: EdfiClient, op: OutboxOp, knownId: IdLookup): Promise<Outcome> {
  try {
    // An earlier attempt's outcome is unknown (no answer, a 5xx, a worker killed mid-send): the
    // target may have done it. A POST is an upsert and safe to repeat; a DELETE or a key change
    // is not, so the target is read by natural key first.
    if (op.attempts > 1 && (op.action === 'delete' || isKeyChange(op))) {
      const settled = await alreadyDone(client, op);
      if (settled && 'kind' in settled) return settled;
      // Still there: delete what the target holds now, not an id remembered before.
      if (settled) knownId = async () => settled.id;
    }
    if (op.action === 'delete') return await sendDelete(client, op, knownId);
    if (op.resource === 'schoolYearTypes') return await ensureSchoolYear(client, op);
    if (op.action === 'post') return await sendPost(client, op);
    return await sendPut(client, op, knownId);
  } catch (err) {
    if (err instanceof TransportError) return { kind: 'transient', status: null, message: err.message, response: null };
    if (err instanceof TargetAuthError && (err.status >= 500 || err.status === 429))
      return { kind: 'transient', status: err.status, message: err.message, response: err.body };
    throw err;
  }
}

/** 429, 5xx, 408 and an unresolved reference (its parent may still be on the way) are worth another try. */
export function isTransient(res: EdfiResponse): boolean {
  if (res.status === 429 || res.status === 408 || res.status >= 500) return true;
  return res.status === 409 && problemType(res).includes('unresolved-reference');
}

function problemType(res: EdfiResponse): string {
  const b = res.body as { type?: unknown } | null;
  return typeof b?.type === 'string' ? b.type : '';
}

function isKeyChange(op: OutboxOp): boolean {
  return op.action !== 'delete' && op.previousKeyText !== null && op.previousKeyText !== op.keyText;
}

/**
 * The outcome when the target already holds the result of this operation: for a delete, no
 * item under its key; for a key change, an item under the new key (then a plain PUT of the
 * body to that item, which is idempotent, finishes it). Otherwise null (do the operation), or
 * for a delete the id the target has the item under now.
 */
async function alreadyDone(client: EdfiClient, op: OutboxOp): Promise<Outcome | { id: string } | null> {
  const found = await client.findId(op.resource, keyOfText(op.keyText));
  if (found.response.status !== 200) return classify(found.response, null, `GET ${op.resource} by natural key`);
  if (op.action === 'delete') return found.id === null ? { kind: 'ack', edfiId: null, deleted: true, status: 404 } : { id: found.id };
  if (found.id === null) return null;
  const res = await client.put(op.resource, found.id, op.body);
  if (ok(res)) return { kind: 'ack', edfiId: found.id, deleted: false, status: res.status };
  return classify(res, op.body, `PUT ${op.resource}/${found.id}`);
}

/** Retry-After in milliseconds: delta seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const v = headers.get('retry-after')?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function classify(res: EdfiResponse, request: unknown, what: string): Outcome {
  const detail = (res.body as { detail?: unknown } | null)?.detail;
  const message = `${what} answered ${res.status}${typeof detail === 'string' ? `: ${detail}` : ''}`;
  if (isTransient(res)) {
    const after = retryAfterMs(res.headers);
    return { kind: 'transient', status: res.status, message, response: res.body, ...(after === undefined ? {} : { retryAfterMs: after }) };
  }
  return { kind: 'permanent', status: res.status, message, response: res.body, request };
}

function ok(res: EdfiResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The natural key inside a key text (`sessions:{...}`). */
export function keyOfText(keyText: string): NaturalKeyValues {
  return JSON.parse(keyText.slice(keyText.indexOf(':') + 1)) as NaturalKeyValues;
}

async function resolveId(client: EdfiClient, op: OutboxOp, keyText: string, knownId: IdLookup): Promise<string | null | Outcome> {
  const known = await knownId(keyText);
  if (known) return known;
  const found = await client.findId(op.resource, keyOfText(keyText));
  if (found.response.status !== 200) return classify(found.response, null, `GET ${op.resource} by natural key`);
  return found.id;
}

async function sendPost(client: EdfiClient, op: OutboxOp): Promise<Outcome> {
  const res = await client.post(op.resource, op.body);
  if (ok(res)) return { kind: 'ack', edfiId: idFromLocation(res.headers), deleted: false, status: res.status };
  return classify(res, op.body, `POST ${op.resource}`);
}

async function sendPut(client: EdfiClient, op: OutboxOp, knownId: IdLookup): Promise<Outcome> {
  const id = await resolveId(client, op, op.previousKeyText ?? op.keyText, knownId);
  if (id !== null && typeof id === 'object') return id;
  // The item is gone from the target (deleted by hand): POST recreates it, as an upsert.
  if (id === null) return sendPost(client, op);
  const res = await client.put(op.resource, id, op.body);
  if (ok(res)) return { kind: 'ack', edfiId: id, deleted: false, status: res.status };
  if (res.status === 404) return sendPost(client, op);
  const keyChange = op.previousKeyText !== null && op.previousKeyText !== op.keyText;
  if (keyChange && res.status === 400 && (problemType(res).includes('key-change-not-supported') || !KEY_UPDATABLE.has(op.resource))) {
    // The target cannot change this key in place: delete the old item, post the new one.
    const del = await client.delete(op.resource, id);
    if (!ok(del) && del.status !== 404) return classify(del, null, `DELETE ${op.resource}/${id} (key change fallback)`);
    return sendPost(client, op);
  }
  return classify(res, op.body, `PUT ${op.resource}/${id}`);
}

async function sendDelete(client: EdfiClient, op: OutboxOp, knownId: IdLookup): Promise<Outcome> {
  const id = await resolveId(client, op, op.keyText, knownId);
  if (id !== null && typeof id === 'object') return id;
  if (id === null) return { kind: 'ack', edfiId: null, deleted: true, status: 404 }; // already gone
  const res = await client.delete(op.resource, id);
  if (ok(res) || res.status === 404) return { kind: 'ack', edfiId: id, deleted: true, status: res.status };
  return classify(res, null, `DELETE ${op.resource}/${id}`);
}

/** School years are shared reference data: post only when the target lacks the year. */
async function ensureSchoolYear(client: EdfiClient, op: OutboxOp): Promise<Outcome> {
  const found = await client.findId('schoolYearTypes', op.naturalKey);
  if (found.response.status === 200 && found.id) return { kind: 'ack', edfiId: found.id, deleted: false, status: 200 };
  if (found.response.status === 200 && Array.isArray(found.response.body) && found.response.body.length > 0)
    return { kind: 'ack', edfiId: null, deleted: false, status: 200 };
  if (found.response.status !== 200 && found.response.status !== 404) return classify(found.response, null, 'GET schoolYearTypes');
  return sendPost(client, op);
}
