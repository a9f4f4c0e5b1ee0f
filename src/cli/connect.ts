// termbridge connect add|list|remove — the outside systems sessions are pulled from.
import { resolve } from 'node:path';
import { CONNECTOR_KINDS, ConnectionRepository, type ConnectorKind } from '../connectors/connection-repository.ts';
import { secretKey } from '../secrets/secret-box.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { parse, UsageError } from './args.ts';
import { takeSecret } from './secret-input.ts';
import { openExclusiveStore } from './exclusive-store.ts';

export const CONNECT_USAGE =
  'connect add oneroster-rest|oneroster-csv|edfi|canvas --tenant T --url URL|PATH [--id NAME] [--client-id ID --client-secret-stdin | --token-stdin] (or the secret in TERMBRIDGE_CONNECT_SECRET) [--token-url URL] | connect list [--tenant T] | connect remove NAME   [--data-dir DIR]';

export async function connectCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    tenant: { type: 'string' },
    url: { type: 'string' },
    id: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'client-secret-stdin': { type: 'boolean' },
    token: { type: 'string' },
    'token-stdin': { type: 'boolean' },
    'token-url': { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [action, ...rest] = positionals;
  if (action === 'add') {
    const [kind, ...extra] = rest;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (!kind || !(CONNECTOR_KINDS as readonly string[]).includes(kind)) throw new UsageError(`connect add needs a kind: ${CONNECTOR_KINDS.join(', ')}`);
    const input = checkAdd(kind as ConnectorKind, { ...values, ...(await connectionSecret(kind as ConnectorKind, values)) });
    // Refuse before touching the database: a secret is stored encrypted or not at all.
    const key = input.secret ? secretKey() : null;
    const store = await openExclusiveStore(values['data-dir'], 'connect add');
    try {
      if (!(await new TenantRepository(store.db).get(input.tenantId))) throw new UsageError(`no tenant '${input.tenantId}'; create it with termbridge tenants create`);
      const repo = new ConnectionRepository(store.db);
      if (await repo.byId(input.id)) throw new UsageError(`a connection named '${input.id}' already exists; pick another --id`);
      const c = await repo.add(input, key);
      process.stdout.write(`added connection ${c.id}: ${c.kind} ${c.url} for tenant ${c.tenantId}; source ids are kept as identifiers '${c.identifierSystem}'\nrun it with: termbridge pull --connection ${c.id}\n`);
    } finally {
      await store.close();
    }
    return;
  }
  if (action === 'list') {
    const store = await openExclusiveStore(values['data-dir'], 'connect list');
    try {
      const list = await new ConnectionRepository(store.db).list(values.tenant);
      const shown = list.map(({ sealedSecret, ...c }) => ({ ...c, hasSecret: sealedSecret !== null }));
      if (values.json) process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
      else if (shown.length === 0) process.stdout.write('no connections\n');
      else
        for (const c of shown)
          process.stdout.write(`${c.id}  ${c.kind}  tenant ${c.tenantId}  ${c.url}  ${c.hasSecret ? 'secret stored (encrypted)' : 'no secret'}  last pull ${c.lastPullAt ?? 'never'}\n`);
    } finally {
      await store.close();
    }
    return;
  }
  if (action === 'remove') {
    const [id, ...extra] = rest;
    if (!id || extra.length > 0) throw new UsageError('connect remove needs exactly one connection name');
    const store = await openExclusiveStore(values['data-dir'], 'connect remove');
    try {
      const repo = new ConnectionRepository(store.db);
      const c = await repo.byId(id);
      if (!c || !(await repo.remove(c.tenantId, c.id))) throw new UsageError(`no connection named '${id}'`);
      process.stdout.write(`removed connection ${id} (the sessions it pulled stay)\n`);
    } finally {
      await store.close();
    }
    return;
  }
  throw new UsageError(action ? `unknown connect action: ${action}` : 'connect needs an action: add, list or remove');
}

export const CONNECT_SECRET_ENV = 'TERMBRIDGE_CONNECT_SECRET';

/** The kind's secret (client secret, or a Canvas token) from stdin, the environment or argv. */
async function connectionSecret(kind: ConnectorKind, v: Record<string, string | boolean | undefined>): Promise<Record<string, string | undefined>> {
  if (kind === 'oneroster-csv') return {}; // takes none; checkAdd refuses any given
  if (kind === 'canvas' && v['client-secret-stdin']) throw new UsageError('canvas connections take --token-stdin, not --client-secret-stdin');
  if (kind !== 'canvas' && v['token-stdin']) throw new UsageError(`${kind} connections take --client-secret-stdin, not --token-stdin`);
  if (kind === 'canvas')
    return { token: await takeSecret({ argv: v.token as string | undefined, argvFlag: '--token', stdin: v['token-stdin'] as boolean | undefined, stdinFlag: '--token-stdin', envName: CONNECT_SECRET_ENV }) };
  return {
    'client-secret': await takeSecret({
      argv: v['client-secret'] as string | undefined,
      argvFlag: '--client-secret',
      stdin: v['client-secret-stdin'] as boolean | undefined,
      stdinFlag: '--client-secret-stdin',
      envName: CONNECT_SECRET_ENV,
    }),
  };
}

function checkAdd(kind: ConnectorKind, v: Record<string, string | boolean | undefined>) {
  const tenantId = v.tenant as string | undefined;
  const url = v.url as string | undefined;
  if (!tenantId) throw new UsageError('connect add needs --tenant');
  if (!url) throw new UsageError(kind === 'oneroster-csv' ? 'connect add oneroster-csv needs --url with the CSV folder or zip path' : 'connect add needs --url with the source base URL');
  if (kind !== 'oneroster-csv' && !/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, not '${url}'`);
  const clientId = v['client-id'] as string | undefined;
  const clientSecret = v['client-secret'] as string | undefined;
  const token = v.token as string | undefined;
  if (kind === 'canvas') {
    if (!token) throw new UsageError(`connect add canvas needs a Canvas access token: --token-stdin or ${CONNECT_SECRET_ENV}`);
    if (clientId || clientSecret) throw new UsageError('canvas connections take --token, not --client-id/--client-secret');
  } else if (kind === 'oneroster-csv') {
    if (clientId || clientSecret || token) throw new UsageError('oneroster-csv connections read a file; they take no credentials');
  } else {
    if (!clientId || !clientSecret)
      throw new UsageError(`connect add ${kind} needs --client-id and a client secret from --client-secret-stdin or ${CONNECT_SECRET_ENV} (OAuth2 client credentials)`);
    if (token) throw new UsageError(`${kind} connections use client credentials, not --token`);
  }
  const id = (v.id as string | undefined) ?? `${kind}-${tenantId}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(id)) throw new UsageError(`--id '${id}' must be letters, digits, '.', '_' or '-'`);
  const tokenUrl = v['token-url'] as string | undefined;
  if (tokenUrl !== undefined && !/^https?:\/\//.test(tokenUrl)) throw new UsageError(`--token-url must be an http(s) URL`);
  // A CSV path is kept absolute: pulls may run from another directory.
  return { tenantId, id, kind, url: kind === 'oneroster-csv' ? resolve(url) : url, tokenUrl: tokenUrl ?? null, clientId: clientId ?? null, secret: token ?? clientSecret ?? null };
}
