// A OneRoster CSV upload is written to a temporary file as it arrives (not held in memory whole),
// read from there, and the file is gone once the request is answered (issue 17, floods).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../src/server.ts';
import type { Store } from '../../src/store/database.ts';
import type { FastifyInstance } from 'fastify';
import { createTenant, openTestStore } from '../harness.ts';
import { manifest, SESSION_HEADER, zipOf } from '../dialects/oneroster/csv-zip.ts';
import { ALL_SCOPES } from '../dialects/oneroster/fixtures.ts';

const CSV = '/ims/oneroster/v1p2/csv';

describe('OneRoster CSV upload spooled to disk', () => {
  let store: Store;
  let app: FastifyInstance;
  let port: number;
  let spool: string;
  let headers: Record<string, string>;
  let school: string;
  beforeAll(async () => {
    spool = mkdtempSync(join(tmpdir(), 'spool-test-'));
    vi.stubEnv('TMPDIR', spool);
    store = await openTestStore('pglite');
    app = await buildApp({ store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
    const tenant = await createTenant({ store });
    headers = await tenant.auth(ALL_SCOPES);
    school = tenant.schools[0]!.id;
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    vi.unstubAllEnvs();
    rmSync(spool, { recursive: true, force: true });
  });

  const uploads = () => readdirSync(spool).filter((n) => n.startsWith('termbridge-upload-'));

  it('writes the body to a private temporary file while it arrives, imports from it, then removes it', async () => {
    // Stored (not deflated) and padded, so half the body is a sizeable part of the file.
    const rows = Array.from({ length: 2000 }, (_, i) => `t${i},,,Term ${i},term,2025-08-15,2025-12-20,,2026,${school}`);
    const zip = await zipOf({ 'manifest.csv': manifest({ academicSessions: 'bulk', orgs: 'absent' }), 'academicSessions.csv': `${SESSION_HEADER},metadata.orgSourcedId\n${rows.join('\n')}\n` }, false);
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const half = Math.floor(zip.length / 2);
    socket.write(`POST ${CSV} HTTP/1.1\r\nhost: x\r\nauthorization: ${headers.authorization}\r\ncontent-type: application/zip\r\ncontent-length: ${zip.length}\r\nconnection: close\r\n\r\n`);
    socket.write(zip.subarray(0, half));
    // While the rest is still to come, the first half is on disk.
    let onDisk = 0;
    for (let i = 0; i < 50 && onDisk < half; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const [dir] = uploads();
      const file = dir ? join(spool, dir, 'upload') : undefined;
      const info = file ? statSync(file, { throwIfNoEntry: false }) : undefined;
      if (info) {
        onDisk = info.size;
        expect(info.mode & 0o777).toBe(0o600);
      }
    }
    expect(onDisk).toBe(half);
    socket.write(zip.subarray(half));
    await new Promise((r) => socket.once('close', r));
    expect(answer.split(' ')[1]).toBe('200');
    expect(uploads()).toEqual([]);
  });

  it('a refused or damaged upload leaves no file behind', async () => {
    const damaged = await app.inject({ method: 'POST', url: CSV, headers: { ...headers, 'content-type': 'application/zip' }, payload: Buffer.from('PK not a zip at all') });
    expect(damaged.statusCode).toBe(400);
    expect(damaged.json().imsx_codeMajor).toBe('failure');
    expect(damaged.json().imsx_description).not.toContain(spool); // the temporary path is not the client's business
    const empty = await app.inject({ method: 'POST', url: CSV, headers: { ...headers, 'content-type': 'application/zip' }, payload: Buffer.alloc(0) });
    expect(empty.statusCode).toBe(400);
    expect(uploads()).toEqual([]);
  });
});
