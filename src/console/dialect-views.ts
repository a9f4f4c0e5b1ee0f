// One session as each API serves it, fetched through the real routes (app.inject, so the auth
// hook, scope table, cache and serialisers all run) with a one-minute token minted for the
// signed-in client and carrying exactly its scopes: a dialect the client may not read shows the
// refusal that API gives, not the data.
import type { FastifyInstance } from 'fastify';
import { ClientRepository } from '../auth/client-repository.ts';
import type { Session } from '../domain/session.ts';
import { toEdfiId } from '../dialects/edfi/resource-id.ts';
import { ROSTERING_PATH, sourcedIdOf } from '../dialects/oneroster/academic-session-wire.ts';
import type { ConsoleUser } from './console-sessions.ts';

export interface DialectView {
  api: string;
  method: 'GET';
  url: string;
  status: number;
  body: string;
}

export const VIEW_TOKEN_SECONDS = 60;

export function dialectUrls(s: Pick<Session, 'id' | 'type' | 'identifiers' | 'canvasId'>): { api: string; url: string }[] {
  const edfi = s.type === 'gradingPeriod' ? 'gradingPeriods' : 'sessions';
  return [
    { api: 'Ed-Fi ODS/API v7.3', url: `/data/v3/ed-fi/${edfi}/${toEdfiId(s.id)}` },
    { api: 'OneRoster 1.2', url: `${ROSTERING_PATH}/academicSessions/${encodeURIComponent(sourcedIdOf(s))}` },
    { api: 'Canvas', url: `/api/v1/accounts/self/terms/${s.canvasId}` },
    { api: 'Edlink Graph v2', url: `/api/v2/graph/sessions/${s.id}` },
  ];
}

/** `origin`: the host and protocol the browser used, so the links in each answer point where it can follow them. */
export async function sessionAsEachApi(app: FastifyInstance, user: ConsoleUser, session: Session, origin: { host: string; protocol: string }): Promise<DialectView[]> {
  const clients = new ClientRepository(app.ctx.store.db);
  const { token } = await clients.issueToken(user, user.scopes, VIEW_TOKEN_SECONDS);
  return Promise.all(
    dialectUrls(session).map(async ({ api, url }) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, accept: 'application/json', host: origin.host, 'x-forwarded-proto': origin.protocol } });
      let body = res.body;
      try {
        body = JSON.stringify(JSON.parse(res.body), null, 2);
      } catch {
        // not JSON: shown as the API sent it
      }
      return { api, method: 'GET' as const, url, status: res.statusCode, body };
    }),
  );
}
