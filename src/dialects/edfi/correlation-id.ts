// ODS's request correlation: a client may name its request with a `correlation-id` header (or a
// `correlationId` query value) and ODS writes that value back as the problem details'
// `correlationId`, so the client can find its failed call in its own logs. Without one, each
// problem gets a fresh uuid.
import { canonicalQuery, type RawQuery } from './query-params.ts';

export interface CorrelatedRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

const MAX_LENGTH = 200;

function first(v: unknown): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t === '' ? undefined : t.slice(0, MAX_LENGTH);
}

export function correlationIdOf(request: CorrelatedRequest): string | undefined {
  const header = first(request.headers['correlation-id']);
  if (header) return header;
  const query = request.query && typeof request.query === 'object' ? canonicalQuery(request.query as RawQuery, ['correlationId']) : {};
  return first(query['correlationId']);
}
