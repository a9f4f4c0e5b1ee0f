// An export that fails (the database gone mid-way, the output unwritable) rejects its promise:
// the CLI prints the message and exits 1. Before, the error of the stream reading the rows had
// no listener and took the process down.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportOneRosterCsv } from '../../../src/dialects/oneroster/csv/export.ts';
import { createTenant, openTestStore } from '../../harness.ts';

describe('OneRoster CSV export that fails', () => {
  it('rejects when the database goes away, and when the output cannot be written', async () => {
    const store = await openTestStore('pglite');
    const tenant = await createTenant({ store });
    const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    await exportOneRosterCsv(store, tenant.tenantId, sink());
    const broken = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
    await expect(exportOneRosterCsv(store, tenant.tenantId, broken)).rejects.toThrow('disk full');
    await store.close();
    await expect(exportOneRosterCsv(store, tenant.tenantId, sink())).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
