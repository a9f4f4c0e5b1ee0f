// How an admin command reaches the database: DATABASE_URL directly; an embedded data directory
// held by a running server through that server's loopback admin routes; a free one directly,
// under the data directory's lock. Never a second open of a held PGlite directory.
import { StoreAdministration, type Administration } from '../auth/administration.ts';
import { buildApp } from '../server.ts';
import { DataDirBusyError, liveLock } from './data-dir-lock.ts';
import { openExclusiveStore } from './exclusive-store.ts';
import { storeOptions } from './open-store.ts';
import { loopbackBase, ServerAdministration } from './server-administration.ts';

export interface OpenedAdministration {
  admin: Administration;
  /** Said to the operator so they know where the change went. */
  via: string;
  close(): Promise<void>;
}

export async function openAdministration(dataDir: string | undefined, command: string): Promise<OpenedAdministration> {
  const dir = storeOptions(dataDir).dataDir;
  const holder = dir && !dir.startsWith('memory://') ? liveLock(dir) : null;
  if (dir && holder) {
    if (holder.port === undefined || holder.adminKey === undefined) throw new DataDirBusyError(dir, holder);
    const base = loopbackBase(holder.host, holder.port);
    if (!base)
      throw new Error(
        `the server holding ${dir} (pid ${holder.pid}) listens on ${holder.host} only, so its admin routes are not reachable over loopback; ` +
          `restart it with --host 127.0.0.1 or 0.0.0.0, or stop it and run this command again`,
      );
    return {
      admin: new ServerAdministration({ ...holder, port: holder.port, adminKey: holder.adminKey }, base),
      via: `through the running server (pid ${holder.pid}, port ${holder.port})`,
      close: async () => {},
    };
  }
  const store = await openExclusiveStore(dataDir, command);
  try {
    // The scopes clients may hold are the ones the dialects' routes accept.
    const app = await buildApp({ store });
    const knownScopes = app.ctx.registry.knownScopes();
    await app.close();
    return {
      admin: new StoreAdministration(store.db, knownScopes),
      via: store.driver === 'postgres' ? 'in the PostgreSQL database (DATABASE_URL)' : `in ${dir}`,
      close: () => store.close(),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
