// What a console user may do, from its client's scopes: `console` signs in and reads every page
// of its own tenant; `console:write` (with `console`) adds the buttons that change something —
// retry, archive, resync, run, pull, and API client management. A client without
// `console:write` sees no such button, and the routes refuse it.
import type { ConsoleUser } from './console-sessions.ts';

export const CONSOLE_READ = 'console';
export const CONSOLE_WRITE = 'console:write';

export const canRead = (u: Pick<ConsoleUser, 'scopes'>) => u.scopes.includes(CONSOLE_READ);
export const canWrite = (u: Pick<ConsoleUser, 'scopes'>) => canRead(u) && u.scopes.includes(CONSOLE_WRITE);
