// termbridge migrate [--data-dir DIR] — applies pending migrations (serve does this too).
import { migrate } from '../store/migrate.ts';
import { parse } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { 'data-dir': { type: 'string' } });
  const store = await openExclusiveStore(values['data-dir'], 'migrate');
  try {
    const ran = await migrate(store.db);
    process.stdout.write(ran.length ? `applied: ${ran.join(', ')}\n` : 'the database is up to date\n');
  } finally {
    await store.close();
  }
}
