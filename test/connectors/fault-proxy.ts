// A loopback HTTP proxy in front of a source app that can answer chosen requests itself
// (429, 500, 401, ...) before forwarding the rest: fault injection for the connector tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface Fault {
  /** Which requests: matched against `METHOD path?query`. */
  match: (line: string) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** How many matching requests to fail (Infinity: until removed). */
  times: number;
  /** Answer nothing at all (the client's timeout must fire). */
  hang?: boolean;
}

export interface FaultProxy {
  url: string;
  faults: Fault[];
  log: string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults: Fault[] = [];
  const log: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const line = `${req.method} ${req.url}`;
    log.push(line);
    const fault = faults.find((f) => f.times > 0 && f.match(line));
    if (fault) {
      fault.times--;
      if (fault.hang) return; // never answered; closeAllConnections ends it

      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(fault.body ?? JSON.stringify({ error: `injected ${fault.status}` }));
      return;
    }
    const body = await readBody(req);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    const upstream = await request(`${target}${req.url}`, {
      method: req.method as 'GET',
      headers,
      body: body.length > 0 ? body : undefined,
    });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(upstream.headers)) if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    const text = Buffer.from(await upstream.body.arrayBuffer());
    // Links the source writes point at itself; rewrite them to go through the proxy.
    const rewritten = rewrite(out, target, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    res.writeHead(upstream.statusCode, rewritten);
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    faults,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function rewrite(headers: Record<string, string | string[]>, from: string, to: string): Record<string, string | string[]> {
  const link = headers.link;
  if (typeof link === 'string') headers.link = link.split(from).join(to);
  return headers;
}
