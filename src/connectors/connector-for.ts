// The connector a stored connection's kind calls for, wired to its credentials.
import type { Connection } from './connection-repository.ts';
import type { Connector } from './connector.ts';
import { CanvasConnector } from './canvas.ts';
import { EdfiConnector, edfiRoot } from './edfi.ts';
import { OneRosterCsvConnector } from './oneroster-csv.ts';
import { OneRosterRestConnector } from './oneroster-rest.ts';
import { SourceClient, type SourceClientOptions } from './source-client.ts';

export interface ConnectorOptions {
  /** Items per request (the source's maximum by default). */
  pageSize?: number | undefined;
  client?: Partial<Omit<SourceClientOptions, 'connectionId' | 'auth'>> | undefined;
}

/** What a OneRoster pull asks for: the narrowest read scope first, then the broader one, then none. */
export const ONEROSTER_READ_SCOPES = [
  'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly',
  'https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly',
  '',
];

export function connectorFor(
  connection: Connection,
  secret: string | null,
  options: ConnectorOptions & { timeZone?: string | undefined } = {},
): { connector: Connector; client: SourceClient | null } {
  const clientCredentials = (defaultTokenUrl: string, scope?: string | string[]) =>
    connection.clientId && secret ? { tokenUrl: connection.tokenUrl ?? defaultTokenUrl, clientId: connection.clientId, clientSecret: secret, scope } : undefined;
  switch (connection.kind) {
    case 'edfi': {
      const client = new SourceClient({ connectionId: connection.id, auth: { clientCredentials: clientCredentials(`${edfiRoot(connection.url)}/oauth/token`) }, ...options.client });
      return { connector: new EdfiConnector(client, connection.url, options.pageSize), client };
    }
    case 'oneroster-rest': {
      const origin = new URL(connection.url).origin;
      const client = new SourceClient({ connectionId: connection.id, auth: { clientCredentials: clientCredentials(`${origin}/oauth/token`, ONEROSTER_READ_SCOPES) }, ...options.client });
      return { connector: new OneRosterRestConnector(client, connection.url, options.pageSize), client };
    }
    case 'canvas': {
      const client = new SourceClient({ connectionId: connection.id, auth: { bearer: secret ?? undefined }, ...options.client });
      return { connector: new CanvasConnector(client, connection.url, options.timeZone ?? 'UTC', options.pageSize), client };
    }
    case 'oneroster-csv':
      return { connector: new OneRosterCsvConnector(connection.id, connection.url), client: null };
    default:
      throw new Error(`connection ${connection.id}: the ${connection.kind} connector is not available in this build`);
  }
}
