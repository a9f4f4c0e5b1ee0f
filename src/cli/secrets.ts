// termbridge secrets rotate-key — re-seals every stored secret (connector credentials and sync
// target secrets) under a new TERMBRIDGE_SECRET_KEY, in one transaction. The new key comes from
// standard input or TERMBRIDGE_NEW_SECRET_KEY, never the command line.
import { fingerprint, secretKey, SECRET_KEY_ENV } from '../secrets/secret-box.ts';
import { NEW_SECRET_KEY_ENV, rotateSecretKey } from '../secrets/seal-at-rest.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';
import { firstLine, readStdin } from './secret-input.ts';

export const SECRETS_USAGE = `secrets rotate-key [--new-key-stdin] (the new key on stdin, else in ${NEW_SECRET_KEY_ENV}; the current one in ${SECRET_KEY_ENV})   [--data-dir DIR]`;

export async function secretsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { 'new-key-stdin': { type: 'boolean' }, 'data-dir': { type: 'string' } });
  const [action, ...extra] = positionals;
  if (action !== 'rotate-key') throw new UsageError(action ? `unknown secrets action: ${action}` : 'secrets needs an action: rotate-key');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (the new key is never taken from the command line)`);
  const raw = values['new-key-stdin'] ? firstLine(await readStdin()).trim() : process.env[NEW_SECRET_KEY_ENV]?.trim();
  if (!raw) throw new UsageError(`give the new key on standard input (--new-key-stdin) or in ${NEW_SECRET_KEY_ENV}, e.g. openssl rand -hex 32`);
  // Both keys are checked before the store is opened.
  const oldKey = secretKey();
  const newKey = secretKey({ [SECRET_KEY_ENV]: raw });
  if (newKey.equals(oldKey)) throw new UsageError('the new key is the current key; generate another (openssl rand -hex 32)');
  const store = await openExclusiveStore(values['data-dir'], 'secrets rotate-key');
  try {
    const r = await rotateSecretKey(store.db, oldKey, newKey);
    process.stdout.write(
      `re-sealed ${r.connections} connection secret(s) and ${r.targets} sync target secret(s) under key ${fingerprint(newKey)} (was ${fingerprint(oldKey)})\n` +
        `set ${SECRET_KEY_ENV} to the new key for the server and every command from now on; the old key no longer opens them\n`,
    );
  } finally {
    await store.close();
  }
}
