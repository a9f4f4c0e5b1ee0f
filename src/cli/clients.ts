// termbridge clients create|list|revoke|rotate-secret — API clients (OAuth2 client credentials).
// Secrets are shown once, here, and kept only as scrypt hashes.
import type { ApiClient } from '../auth/client-repository.ts';
import { parse, UsageError } from './args.ts';
import { openAdministration } from './open-administration.ts';

export const CLIENTS_USAGE =
  'clients create --tenant T --name N --scopes a,b | clients list [--tenant T] [--json] | clients revoke ID | clients rotate-secret ID   [--data-dir DIR]';

function table(clients: ApiClient[]): string {
  if (clients.length === 0) return 'no clients\n';
  const rows = [['CLIENT ID', 'TENANT', 'NAME', 'STATUS', 'CREATED', 'SCOPES'], ...clients.map((c) => [c.clientId, c.tenantId, c.name, c.revokedAt ? `revoked ${c.revokedAt}` : 'active', c.createdAt, c.scopes.join(' ')])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

function secretLines(clientId: string, secret: string): string {
  return [`client_id:     ${clientId}`, `client_secret: ${secret}`, '', 'The secret is shown only now and stored only as a hash; keep it somewhere safe.', ''].join('\n');
}

export async function clientsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    tenant: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  const [action, id, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const needsId = action === 'revoke' || action === 'rotate-secret';
  if (needsId && !id) throw new UsageError(`clients ${action} needs the client id`);
  if (action === 'create' && (!values.tenant || !values.name || !values.scopes)) throw new UsageError('clients create needs --tenant, --name and --scopes');
  if (!['create', 'list', 'revoke', 'rotate-secret'].includes(action ?? '')) throw new UsageError(action ? `unknown clients action: ${action}` : 'clients needs an action');

  const { admin, via, close } = await openAdministration(values['data-dir'], `clients ${action}`);
  try {
    switch (action) {
      case 'create': {
        const { client, secret } = await admin.createClient({ tenantId: values.tenant!, name: values.name!, scopes: values.scopes!.split(/[,\s]+/) });
        process.stdout.write(`created client '${client.name}' of tenant ${client.tenantId} ${via}, scopes: ${client.scopes.join(' ')}\n${secretLines(client.clientId, secret)}`);
        break;
      }
      case 'list': {
        const clients = await admin.listClients(values.tenant);
        process.stdout.write(values.json ? JSON.stringify(clients, null, 2) + '\n' : table(clients));
        break;
      }
      case 'revoke': {
        const client = await admin.revokeClient(id!);
        process.stdout.write(`revoked client ${client.clientId} ${via}; its tokens stopped working at once\n`);
        break;
      }
      case 'rotate-secret': {
        const { client, secret } = await admin.rotateSecret(id!);
        process.stdout.write(`new secret for client ${client.clientId} ${via}; the old secret and its tokens no longer work\n${secretLines(client.clientId, secret)}`);
        break;
      }
    }
  } finally {
    await close();
  }
}
