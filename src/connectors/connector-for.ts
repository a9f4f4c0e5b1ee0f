// The connector a stored connection's kind calls for, wired to its credentials.
import type { Connection } from './connection-repository.ts';
import type { Connector } from './connector.ts';
import { EdfiConnector, edfiRoot } from './edfi.ts';
import { SourceClient, type SourceClientOptions } from './source-client.ts';

export interface ConnectorOptions {
  /** Items per request (the source's maximum by default). */
  pageSize?: number | undefined;
  client?: Partial<Omit<SourceClientOptions, 'connectionId' | 'auth'>> | undefined;
}

export function connectorFor(connection: Connection, secret: string | null, options: ConnectorOptions = {}): { connector: Connector; client: SourceClient | null } {
  const clientCredentials = (defaultTokenUrl: string, scope?: string) =>
    connection.clientId && secret ? { tokenUrl: connection.tokenUrl ?? defaultTokenUrl, clientId: connection.clientId, clientSecret: secret, scope } : undefined;
  switch (connection.kind) {
    case 'edfi': {
      const client = new SourceClient({ connectionId: connection.id, auth: { clientCredentials: clientCredentials(`${edfiRoot(connection.url)}/oauth/token`) }, ...options.client });
      return { connector: new EdfiConnector(client, connection.url, options.pageSize), client };
    }
    default:
      throw new Error(`connection ${connection.id}: the ${connection.kind} connector is not available in this build`);
  }
}
