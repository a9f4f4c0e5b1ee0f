// termbridge pull [--connection C] — runs stored connections: a progress line while reading,
// then a summary (created / updated / deleted / unchanged / failed) per connection.
import { ConnectionRepository, type Connection } from '../connectors/connection-repository.ts';
import { connectorFor } from '../connectors/connector-for.ts';
import { runPull, type PullProgress } from '../connectors/pull.ts';
import { secretKey } from '../secrets/secret-box.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export const PULL_USAGE = 'pull [--connection NAME] [--page-size N] [--json] [--data-dir DIR]';

export async function pullCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    connection: { type: 'string' },
    'page-size': { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const pageSize = values['page-size'] === undefined ? undefined : Number(values['page-size']);
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 10_000)) throw new UsageError('--page-size must be a whole number from 1 to 10000');
  const store = await openExclusiveStore(values['data-dir'], 'pull');
  let failures = 0;
  try {
    const repo = new ConnectionRepository(store.db);
    let connections: Connection[];
    if (values.connection) {
      const one = await repo.byId(values.connection);
      if (!one) throw new UsageError(`no connection named '${values.connection}'; see termbridge connect list`);
      connections = [one];
    } else connections = await repo.list();
    if (connections.length === 0) process.stdout.write('no connections; add one with termbridge connect add\n');
    const results = [];
    for (const connection of connections) {
      const started = Date.now();
      try {
        const key = connection.sealedSecret ? secretKey() : null;
        const tenant = await new TenantRepository(store.db).get(connection.tenantId);
        const { connector } = connectorFor(connection, repo.secretOf(connection, key), { pageSize, timeZone: tenant?.timeZone });
        const result = await runPull(store, connection, connector, progressLine(connection.id));
        clearLine();
        const s = result.summary;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        results.push({ connection: connection.id, ok: true, ...result });
        if (!values.json) {
          process.stdout.write(
            `${connection.id} (${connection.kind}, tenant ${connection.tenantId}): created ${s.created}, updated ${s.updated}, deleted ${s.deleted}, unchanged ${s.unchanged}, failed ${s.failed}` +
              `${s.schoolsCreated ? `, schools created ${s.schoolsCreated}` : ''} — ${result.records} records in ${result.pages} pages, ${seconds}s${result.resumed ? ' (resumed)' : ''}\n`,
          );
          for (const f of s.failures.slice(0, 20)) process.stdout.write(`  failed ${f.sourceId}: ${f.message}\n`);
          if (s.failures.length > 20) process.stdout.write(`  … and ${s.failures.length - 20} more\n`);
        }
      } catch (err) {
        clearLine();
        failures++;
        results.push({ connection: connection.id, ok: false, error: (err as Error).message });
        if (!values.json)
          process.stderr.write(`${connection.id}: pull failed, no session was changed: ${(err as Error).message}\n  run termbridge pull --connection ${connection.id} again to resume\n`);
      }
    }
    if (values.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  } finally {
    await store.close();
  }
  if (failures > 0) process.exitCode = 1;
}

function progressLine(id: string): (p: PullProgress) => void {
  if (!process.stderr.isTTY) return () => {};
  return (p) => {
    const width = 24;
    const fraction = p.total ? Math.min(1, (p.done ?? 0) / p.total) : null;
    const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] `;
    process.stderr.write(`\r${id}: ${bar}${p.pages} pages, ${p.records} records read`);
  };
}

function clearLine(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}
