// A browser's view of the console over app.inject: cookies kept between requests, forms posted
// with the CSRF token the last page carried.
import type { FastifyInstance } from 'fastify';

export class ConsoleBrowser {
  cookies = new Map<string, string>();
  lastBody = '';

  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private keep(setCookie: string | string[] | undefined): void {
    for (const c of [setCookie ?? []].flat()) {
      const [pair, ...attributes] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = decodeURIComponent(pair!.slice(eq + 1));
      if (attributes.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers } });
    this.keep(res.headers['set-cookie']);
    this.lastBody = res.body;
    return res;
  }

  /** The CSRF token of the last page's forms. */
  csrf(): string {
    return /name="_csrf" value="([^"]+)"/.exec(this.lastBody)?.[1] ?? '';
  }

  async post(url: string, fields: Record<string, string | string[]>, options: { csrf?: string | null; headers?: Record<string, string> } = {}) {
    const form = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrf() : options.csrf;
    if (token !== null) form.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) form.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: form.toString(),
    });
    this.keep(res.headers['set-cookie']);
    this.lastBody = res.body;
    return res;
  }

  async signIn(clientId: string, secret: string) {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { client_id: clientId, client_secret: secret, next: '/console/overview' });
  }
}
