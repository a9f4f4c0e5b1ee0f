// The connector a stored connection's kind calls for, wired to its credentials and settings.
import type { Connection } from './connection-repository.ts';
import type { Connector } from './connector.ts';
import { CanvasConnector } from './canvas.ts';
import { withDefaultSchool } from './default-school.ts';
import { EdfiConnector, edfiRoot } from './edfi.ts';
import { AeriesConnector } from './native/aeries.ts';
import { BlackbaudConnector } from './native/blackbaud.ts';
import { BlackboardConnector } from './native/blackboard.ts';
import { BrightspaceConnector } from './native/brightspace.ts';
import { CleverConnector } from './native/clever.ts';
import { ETHOS_ACADEMIC_PERIODS_MEDIA_TYPE, EthosConnector } from './native/ethos.ts';
import { ManageBacConnector } from './native/managebac.ts';
import { MicrosoftGraphConnector } from './native/microsoft-graph.ts';
import { PowerSchoolConnector } from './native/powerschool.ts';
import { SchoologyConnector } from './native/schoology.ts';
import { OneRosterCsvConnector } from './oneroster-csv.ts';
import { OneRosterRestConnector } from './oneroster-rest.ts';
import { ONEROSTER_VERSIONS, oneRosterVersionOf } from './oneroster-version.ts';
import { SourceClient, type SourceAuth, type SourceClientOptions } from './source-client.ts';

export interface ConnectorOptions {
  /** Items per request (the source's maximum by default). */
  pageSize?: number | undefined;
  client?: Partial<Omit<SourceClientOptions, 'connectionId' | 'auth'>> | undefined;
}

/** What a OneRoster 1.2 pull asks for: the narrowest read scope first, then the broader one, then none. */
export const ONEROSTER_READ_SCOPES = ONEROSTER_VERSIONS['1.2'].scopes;

/** Blackbaud needs three secrets; they are sealed together as one JSON object. */
export interface BlackbaudSecrets {
  clientSecret: string;
  refreshToken: string;
  subscriptionKey: string;
}

export function connectorFor(
  connection: Connection,
  secret: string | null,
  options: ConnectorOptions & { timeZone?: string | undefined } = {},
): { connector: Connector; client: SourceClient | null } {
  const built = build(connection, secret, options);
  const school = connection.settings?.school;
  return typeof school === 'number' ? { ...built, connector: withDefaultSchool(built.connector, school) } : built;
}

function build(connection: Connection, secret: string | null, options: ConnectorOptions & { timeZone?: string | undefined }): { connector: Connector; client: SourceClient | null } {
  const settings = connection.settings ?? {};
  const scope = typeof settings.scope === 'string' ? settings.scope : undefined;
  const clientCredentials = (defaultTokenUrl: string, scopes?: string | string[], credentialsIn?: 'basic' | 'body') =>
    connection.clientId && secret ? { tokenUrl: connection.tokenUrl ?? defaultTokenUrl, clientId: connection.clientId, clientSecret: secret, scope: scopes, credentialsIn } : undefined;
  const client = (auth: SourceAuth, headers?: Record<string, string>) => new SourceClient({ connectionId: connection.id, auth, headers, ...options.client });
  const origin = () => new URL(connection.url).origin;
  const need = (what: string): string => {
    if (!secret) throw new Error(`connection ${connection.id}: the ${connection.kind} connector needs ${what}; add the connection again with it`);
    return secret;
  };
  switch (connection.kind) {
    case 'edfi': {
      const c = client({ clientCredentials: clientCredentials(`${edfiRoot(connection.url)}/oauth/token`) });
      return { connector: new EdfiConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'oneroster-rest': {
      const version = oneRosterVersionOf(settings);
      // OAuth 1.0a signs each request with the consumer key and secret; there is no token to fetch.
      const signed = settings.auth === 'oauth1-hmac-sha256' || settings.auth === 'oauth1-hmac-sha1';
      const c = settings.auth === 'bearer'
        ? client({ bearer: need('an access token') })
        : signed
        ? client({ oauth1: { consumerKey: connection.clientId ?? '', consumerSecret: need('a consumer key (--client-id) and secret'), signatureMethod: settings.auth === 'oauth1-hmac-sha1' ? 'HMAC-SHA1' : 'HMAC-SHA256' } })
        : client({ clientCredentials: clientCredentials(`${origin()}/oauth/token`, scope ?? version.scopes) });
      return { connector: new OneRosterRestConnector(c, connection.url, options.pageSize, version, settings.paging === 'offset' ? 'offset' : 'keyset'), client: c };
    }
    case 'canvas': {
      const c = client({ bearer: secret ?? undefined });
      return { connector: new CanvasConnector(c, connection.url, options.timeZone ?? 'UTC', options.pageSize), client: c };
    }
    case 'oneroster-csv':
      return { connector: new OneRosterCsvConnector(connection.id, connection.url, settings.endDate), client: null };
    case 'clever': {
      const c = client({ bearer: need('a district token') });
      return { connector: new CleverConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'schoology': {
      const c = client({ oauth1: { consumerKey: connection.clientId ?? '', consumerSecret: need('a consumer key and secret'), signatureMethod: 'PLAINTEXT', realm: 'Schoology API', token: { key: '', secret: '' } } });
      return { connector: new SchoologyConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'blackboard': {
      const c = client({ clientCredentials: clientCredentials(`${origin()}/learn/api/public/v1/oauth2/token`, scope) });
      return { connector: new BlackboardConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'brightspace': {
      const c = client({ clientCredentials: clientCredentials('https://auth.brightspace.com/core/connect/token', scope) });
      const version = typeof settings.apiVersion === 'string' ? settings.apiVersion : undefined;
      const typeId = typeof settings.semesterTypeId === 'number' ? settings.semesterTypeId : undefined;
      return { connector: new BrightspaceConnector(c, connection.url, version, typeId), client: c };
    }
    case 'microsoft-graph': {
      const directory = typeof settings.directory === 'string' ? settings.directory : 'common';
      const c = client({ clientCredentials: clientCredentials(`https://login.microsoftonline.com/${encodeURIComponent(directory)}/oauth2/v2.0/token`, scope ?? 'https://graph.microsoft.com/.default', 'body') });
      return { connector: new MicrosoftGraphConnector(c, connection.url), client: c };
    }
    case 'powerschool': {
      const c = client({ clientCredentials: clientCredentials(`${origin()}/oauth/access_token`) });
      return { connector: new PowerSchoolConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'blackbaud': {
      const s = JSON.parse(need('a client secret, refresh token and subscription key')) as BlackbaudSecrets;
      const c = client(
        { refreshToken: { tokenUrl: connection.tokenUrl ?? 'https://oauth2.sky.blackbaud.com/token', clientId: connection.clientId ?? '', clientSecret: s.clientSecret, refreshToken: s.refreshToken, extra: { preserve_refresh_token: 'true' } } },
        { 'Bb-Api-Subscription-Key': s.subscriptionKey },
      );
      return { connector: new BlackbaudConnector(c, connection.url), client: c };
    }
    case 'managebac': {
      const c = client({}, { 'auth-token': need('an API token') });
      return { connector: new ManageBacConnector(c, connection.url), client: c };
    }
    case 'ethos': {
      const c = client({ apiKeyExchange: { url: connection.tokenUrl ?? `${origin()}/auth`, apiKey: need('an Ethos API key') } }, { accept: ETHOS_ACADEMIC_PERIODS_MEDIA_TYPE });
      return { connector: new EthosConnector(c, connection.url, options.pageSize), client: c };
    }
    case 'aeries': {
      const c = client({}, { 'AERIES-CERT': need('an Aeries certificate') });
      return { connector: new AeriesConnector(c, connection.url), client: c };
    }
    default:
      throw new Error(`connection ${connection.id}: the ${connection.kind} connector is not available in this build`);
  }
}
