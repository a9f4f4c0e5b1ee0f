// The CLI's way to administer while `serve` holds the embedded database: the running server's
// loopback admin routes, authenticated with the admin key from the data directory's lock file.
import type { Administration, NewClient, NewTenant, TenantSummary } from '../auth/administration.ts';
import { AdministrationError } from '../auth/administration.ts';
import type { ApiClient } from '../auth/client-repository.ts';
import type { LockInfo } from './data-dir-lock.ts';

/** Where to reach a server listening on `host` from this machine, or null if not over loopback. */
export function loopbackBase(host: string | undefined, port: number): string | null {
  switch (host ?? '127.0.0.1') {
    case '127.0.0.1':
    case 'localhost':
    case '0.0.0.0':
    case '::':
      return `http://127.0.0.1:${port}`;
    case '::1':
      return `http://[::1]:${port}`;
    default:
      return null;
  }
}

export class ServerAdministration implements Administration {
  private readonly base: string;

  constructor(
    private readonly lock: LockInfo & { port: number; adminKey: string },
    base: string,
  ) {
    this.base = `${base}/admin/v1`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.lock.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new Error(
        `the server holding the data directory (pid ${this.lock.pid}, port ${this.lock.port}) did not answer at ${this.base}: ${(err as Error).message}`,
      );
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (res.ok) return json as T;
    const message = (json as { message?: string } | undefined)?.message ?? `${res.status} ${res.statusText}`;
    if (res.status === 404) throw new AdministrationError('notFound', message);
    if (res.status === 409) throw new AdministrationError('conflict', message);
    if (res.status === 400) throw new AdministrationError('invalid', message);
    throw new Error(`the server refused the admin request (${res.status}): ${message}`);
  }

  createTenant(input: NewTenant): Promise<TenantSummary> {
    return this.call('POST', '/tenants', input);
  }
  listTenants(): Promise<TenantSummary[]> {
    return this.call('GET', '/tenants');
  }
  createClient(input: NewClient): Promise<{ client: ApiClient; secret: string }> {
    return this.call('POST', '/clients', input);
  }
  listClients(tenantId?: string): Promise<ApiClient[]> {
    return this.call('GET', `/clients${tenantId ? `?tenant=${encodeURIComponent(tenantId)}` : ''}`);
  }
  revokeClient(clientId: string): Promise<ApiClient> {
    return this.call('POST', `/clients/${encodeURIComponent(clientId)}/revoke`);
  }
  rotateSecret(clientId: string): Promise<{ client: ApiClient; secret: string }> {
    return this.call('POST', `/clients/${encodeURIComponent(clientId)}/rotate-secret`);
  }
}
