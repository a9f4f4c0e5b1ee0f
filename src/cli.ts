// termbridge <command> … — one entry per command; each lives in src/cli/<command>.ts.
import { UsageError } from './cli/args.ts';
import { CLIENTS_USAGE, clientsCommand } from './cli/clients.ts';
import { CONNECT_USAGE, connectCommand } from './cli/connect.ts';
import { EXPORT_USAGE, exportCommand } from './cli/export.ts';
import { IMPORT_USAGE, importCommand } from './cli/import.ts';
import { migrateCommand } from './cli/migrate.ts';
import { PULL_USAGE, pullCommand } from './cli/pull.ts';
import { serveCommand } from './cli/serve.ts';
import { TENANTS_USAGE, tenantsCommand } from './cli/tenants.ts';
import { SIS_USAGE, sisCommand } from './cli/sis.ts';
import { SYNC_USAGE, syncCommand } from './cli/sync.ts';
import { SECRETS_USAGE, secretsCommand } from './cli/secrets.ts';

type Command = { run: (argv: string[]) => Promise<void>; usage: string };

const COMMANDS: Record<string, Command> = {
  serve: { run: serveCommand, usage: 'serve [--port 3000] [--host 127.0.0.1] [--data-dir DIR] [--demo] [--sync-worker [--sync-interval 5]]' },
  migrate: { run: migrateCommand, usage: 'migrate [--data-dir DIR]' },
  clients: { run: clientsCommand, usage: CLIENTS_USAGE },
  tenants: { run: tenantsCommand, usage: TENANTS_USAGE },
  sis: { run: sisCommand, usage: SIS_USAGE },
  sync: { run: syncCommand, usage: SYNC_USAGE },
  connect: { run: connectCommand, usage: CONNECT_USAGE },
  secrets: { run: secretsCommand, usage: SECRETS_USAGE },
  pull: { run: pullCommand, usage: PULL_USAGE },
  import: { run: importCommand, usage: IMPORT_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
};

function usage(): string {
  return ['usage: termbridge <command>', ...Object.values(COMMANDS).map((c) => `  termbridge ${c.usage}`), '', 'DATABASE_URL=postgres://… uses a PostgreSQL server instead of the embedded database.'].join('\n');
}

const [name, ...argv] = process.argv.slice(2);
const command = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
if (!command) {
  process.stderr.write(`${name && name !== 'help' && name !== '--help' ? `unknown command: ${name}\n` : ''}${usage()}\n`);
  process.exit(name && name !== 'help' && name !== '--help' ? 2 : 0);
}
try {
  await command.run(argv);
} catch (err) {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${(err as Error).message}\nusage: termbridge ${command.usage}\n`);
    process.exit(2);
  }
  process.stderr.write(`termbridge ${name}: ${(err as Error).message}\n`);
  process.exit(1);
}
