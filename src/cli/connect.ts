// termbridge connect add|list|remove — the outside systems sessions are pulled from.
import { resolve } from 'node:path';
import { CONNECTOR_KINDS, ConnectionRepository, ONEROSTER_AUTHS, type ConnectionSettings, type ConnectorKind, type OneRosterAuth } from '../connectors/connection-repository.ts';
import { applyProfile, providerProfile, providerProfiles } from '../connectors/providers/provider-profiles.ts';
import { secretKey } from '../secrets/secret-box.ts';
import { TenantRepository } from '../store/tenant-repository.ts';
import { parse, UsageError } from './args.ts';
import { openExclusiveStore } from './exclusive-store.ts';
import { takeSecret } from './secret-input.ts';

export const CONNECT_USAGE =
  `connect add KIND|--provider P --tenant T [--url URL|PATH] [--id NAME] [--client-id ID --client-secret-stdin | --token-stdin] [--token-url URL] [--version 1.1|1.2] [--paging keyset|offset] [--auth oauth2|oauth1-hmac-sha256|oauth1-hmac-sha1|bearer] [--school SCHOOL_ID] [--directory TENANT] [--scope S]
      (secrets from stdin or the environment: TERMBRIDGE_CLIENT_SECRET, TERMBRIDGE_SOURCE_TOKEN, TERMBRIDGE_CONNECT_SECRET, TERMBRIDGE_REFRESH_TOKEN, TERMBRIDGE_SUBSCRIPTION_KEY)
    | connect providers | connect list [--tenant T] | connect remove NAME   [--data-dir DIR]`;

/** Where each secret comes from: the environment, so it never shows in a process list or shell history. */
export const SECRET_ENV = {
  clientSecret: 'TERMBRIDGE_CLIENT_SECRET',
  token: 'TERMBRIDGE_SOURCE_TOKEN',
  refreshToken: 'TERMBRIDGE_REFRESH_TOKEN',
  subscriptionKey: 'TERMBRIDGE_SUBSCRIPTION_KEY',
} as const;

/** The connection's one secret, whatever the kind calls it: a client secret or a token. */
export const CONNECT_SECRET_ENV = 'TERMBRIDGE_CONNECT_SECRET';

const TOKEN_KINDS: readonly ConnectorKind[] = ['canvas', 'clever', 'managebac', 'aeries', 'ethos'];

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
    provider: { type: 'string' },
    version: { type: 'string' },
    paging: { type: 'string' },
    auth: { type: 'string' },
    school: { type: 'string' },
    directory: { type: 'string' },
    scope: { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [action, ...rest] = positionals;
  if (action === 'providers') {
    for (const p of providerProfiles())
      process.stdout.write(`${p.id.padEnd(15)} ${p.kind ? `${p.kind}${p.settings?.oneRosterVersion ? ` ${p.settings.oneRosterVersion}` : ''}` : `unreachable: ${p.unreachable}`}  ${p.name}\n`);
    return;
  }
  if (action === 'add') {
    const input = await checkAdd(rest, values);
    // Refuse before touching the database: a secret is stored encrypted or not at all.
    const key = input.secret ? secretKey() : null;
    const store = await openExclusiveStore(values['data-dir'], 'connect add');
    try {
      if (!(await new TenantRepository(store.db).get(input.tenantId))) throw new UsageError(`no tenant '${input.tenantId}'; create it with termbridge tenants create`);
      const repo = new ConnectionRepository(store.db);
      if (await repo.byId(input.id)) throw new UsageError(`a connection named '${input.id}' already exists; pick another --id`);
      const c = await repo.add(input, key);
      process.stdout.write(
        `added connection ${c.id}: ${c.provider ? `${c.provider} (${c.kind})` : c.kind} ${c.url}${c.tokenUrl ? ` token ${c.tokenUrl}` : ''} for tenant ${c.tenantId}; source ids are kept as identifiers '${c.identifierSystem}'\nrun it with: termbridge pull --connection ${c.id}\n`,
      );
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
          process.stdout.write(`${c.id}  ${c.provider ? `${c.provider} (${c.kind})` : c.kind}  tenant ${c.tenantId}  ${c.url}  ${c.hasSecret ? 'secret stored (encrypted)' : 'no secret'}  last pull ${c.lastPullAt ?? 'never'}\n`);
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

async function checkAdd(rest: string[], v: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env) {
  const [kindArg, ...extra] = rest;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const providerId = v.provider as string | undefined;
  const profile = providerId ? providerProfile(providerId) : null;
  if (providerId && !profile) throw new UsageError(`no provider '${providerId}'; see termbridge connect providers`);
  if (profile && !profile.kind) throw new UsageError(`termbridge cannot reach ${profile.name}: ${profile.unreachable}`);
  if (kindArg && profile && kindArg !== profile.kind) throw new UsageError(`--provider ${profile.id} is a ${profile.kind} connection, not ${kindArg}`);
  const kind = (kindArg ?? profile?.kind) as ConnectorKind | undefined;
  if (!kind || !(CONNECTOR_KINDS as readonly string[]).includes(kind)) throw new UsageError(`connect add needs a kind (${CONNECTOR_KINDS.join(', ')}) or --provider (see termbridge connect providers)`);
  const tenantId = v.tenant as string | undefined;
  if (!tenantId) throw new UsageError('connect add needs --tenant');
  const settings: ConnectionSettings = {};
  if (v.version !== undefined) {
    if (v.version !== '1.1' && v.version !== '1.2') throw new UsageError(`--version must be 1.1 or 1.2, not '${v.version}'`);
    if (kind !== 'oneroster-rest') throw new UsageError('--version is for oneroster-rest connections (a CSV set names its version in its manifest)');
    settings.oneRosterVersion = v.version;
  }
  if (v.paging !== undefined) {
    if (v.paging !== 'keyset' && v.paging !== 'offset') throw new UsageError(`--paging must be keyset or offset, not '${v.paging}'`);
    settings.paging = v.paging;
  }
  if (v.auth !== undefined) {
    if (!(ONEROSTER_AUTHS as readonly unknown[]).includes(v.auth)) throw new UsageError(`--auth must be one of ${ONEROSTER_AUTHS.join(', ')}, not '${v.auth}'`);
    if (kind !== 'oneroster-rest') throw new UsageError('--auth is for oneroster-rest connections (OAuth 2 client credentials or OAuth 1.0a signatures)');
    settings.auth = v.auth as OneRosterAuth;
  }
  if (v.school !== undefined) {
    const school = Number(v.school);
    if (!(Number.isSafeInteger(school) && school > 0)) throw new UsageError(`--school must be an Ed-Fi schoolId (a whole number), not '${v.school}'`);
    settings.school = school;
  }
  if (v.directory !== undefined) settings.directory = v.directory as string;
  if (v.scope !== undefined) settings.scope = v.scope as string;
  let url = v.url as string | undefined;
  let tokenUrl = v['token-url'] as string | undefined;
  if (tokenUrl !== undefined && !/^https?:\/\//.test(tokenUrl)) throw new UsageError(`--token-url must be an http(s) URL`);
  if (url !== undefined && kind !== 'oneroster-csv' && !/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL, not '${url}'`);
  let merged = settings;
  if (profile) {
    try {
      const made = applyProfile(profile, { url, tokenUrl, settings });
      url = made.url;
      tokenUrl = made.tokenUrl ?? undefined;
      merged = made.settings;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  if (!url) throw new UsageError(kind === 'oneroster-csv' ? 'connect add oneroster-csv needs --url with the CSV folder or zip path' : 'connect add needs --url with the source base URL');
  const secrets = await secretsFor(kind, v, env, merged.auth === 'bearer');
  const id = (v.id as string | undefined) ?? `${profile?.id ?? kind}-${tenantId}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(id)) throw new UsageError(`--id '${id}' must be letters, digits, '.', '_' or '-'`);
  // A CSV path is kept absolute: pulls may run from another directory.
  return {
    tenantId,
    id,
    kind,
    url: kind === 'oneroster-csv' ? resolve(url) : url,
    tokenUrl: tokenUrl ?? null,
    clientId: (v['client-id'] as string | undefined) ?? null,
    secret: secrets,
    provider: profile?.id ?? null,
    settings: merged,
  };
}

/** The secret to seal for a kind, from --client-secret/--token (kept for scripts) or the environment. */
async function secretsFor(kind: ConnectorKind, v: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv, bearer = false): Promise<string | null> {
  const clientId = v['client-id'] as string | undefined;
  if (kind === 'oneroster-csv') {
    if (clientId || v['client-secret'] || v.token || v['client-secret-stdin'] || v['token-stdin']) throw new UsageError('oneroster-csv connections read a file; they take no credentials');
    return null;
  }
  // A OneRoster connection with --auth bearer holds an access token (ClassLink's proxy), not client credentials.
  const tokenKind = TOKEN_KINDS.includes(kind) || bearer;
  if (tokenKind && v['client-secret-stdin']) throw new UsageError(`${kind} connections take --token-stdin, not --client-secret-stdin`);
  if (!tokenKind && v['token-stdin']) throw new UsageError(`${kind} connections take --client-secret-stdin, not --token-stdin`);
  // The kind's own variable first, then the generic one; stdin and argv as every secret-taking command.
  const fromEnv = (name: string) => ({ [name]: env[name] || env[CONNECT_SECRET_ENV] });
  const clientSecret = tokenKind
    ? undefined
    : await takeSecret(
        { argv: v['client-secret'] as string | undefined, argvFlag: '--client-secret', stdin: v['client-secret-stdin'] as boolean | undefined, stdinFlag: '--client-secret-stdin', envName: SECRET_ENV.clientSecret },
        fromEnv(SECRET_ENV.clientSecret),
      );
  const token = tokenKind
    ? await takeSecret(
        { argv: v.token as string | undefined, argvFlag: '--token', stdin: v['token-stdin'] as boolean | undefined, stdinFlag: '--token-stdin', envName: SECRET_ENV.token },
        fromEnv(SECRET_ENV.token),
      )
    : undefined;
  if (tokenKind) {
    const what = { canvas: 'a Canvas access token', clever: 'a Clever district token', managebac: 'a ManageBac API token', aeries: 'an Aeries certificate', ethos: 'an Ethos API key', 'oneroster-rest': 'an access token' }[kind as string];
    if (!token) throw new UsageError(`connect add ${kind} needs ${what}: --token-stdin or ${SECRET_ENV.token} (or ${CONNECT_SECRET_ENV})`);
    if (clientId || v['client-secret']) throw new UsageError(`${kind} connections take a token, not --client-id/--client-secret`);
    return token;
  }
  if (!clientId || !clientSecret)
    throw new UsageError(`connect add ${kind} needs --client-id and the client secret from --client-secret-stdin or ${SECRET_ENV.clientSecret} (or ${CONNECT_SECRET_ENV})${kind === 'schoology' ? ' (Schoology: the consumer key and secret)' : ''}`);
  if (v.token) throw new UsageError(`${kind} connections use client credentials, not --token`);
  if (kind !== 'blackbaud') return clientSecret;
  const refreshToken = env[SECRET_ENV.refreshToken];
  const subscriptionKey = env[SECRET_ENV.subscriptionKey];
  if (!refreshToken || !subscriptionKey)
    throw new UsageError(`connect add blackbaud needs the district's refresh token in ${SECRET_ENV.refreshToken} and the SKY API subscription key in ${SECRET_ENV.subscriptionKey}`);
  return JSON.stringify({ clientSecret, refreshToken, subscriptionKey });
}
