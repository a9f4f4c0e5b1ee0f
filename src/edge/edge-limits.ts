// The limits termbridge puts on what a client may send and hold, read once at start from the
// environment (README: Configuration, "Limits and hostile input"). A value that is not a
// positive integer stops the server with a message.

export interface EdgeLimits {
  /** Deepest nesting of a JSON body. */
  jsonMaxDepth: number;
  /** Object members in one JSON body. */
  jsonMaxKeys: number;
  /** Milliseconds a client has to send its request headers. */
  headersTimeoutMs: number;
  /** Milliseconds a client has to send its body, from the end of its headers. */
  bodyTimeoutMs: number;
  /** Milliseconds for a whole request to arrive (Node's requestTimeout; a backstop). */
  requestTimeoutMs: number;
  /** Open connections one address may hold; past it a new connection is closed at once. */
  connectionsPerAddress: number;
  /** Requests working on the embedded database at once (PGlite; PostgreSQL has its pool). */
  embeddedConcurrency: number;
  /** Requests waiting for the embedded database; past it a request is refused with 503. */
  embeddedQueue: number;
  /** Milliseconds a request may wait for the embedded database before it is refused with 503. */
  embeddedMaxWaitMs: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  jsonMaxDepth: 32,
  jsonMaxKeys: 10_000,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  connectionsPerAddress: 256,
  embeddedConcurrency: 4,
  embeddedQueue: 64,
  embeddedMaxWaitMs: 1_000,
};

const ENV: Record<keyof EdgeLimits, [name: string, scale: number]> = {
  jsonMaxDepth: ['TERMBRIDGE_JSON_MAX_DEPTH', 1],
  jsonMaxKeys: ['TERMBRIDGE_JSON_MAX_KEYS', 1],
  headersTimeoutMs: ['TERMBRIDGE_HEADERS_TIMEOUT_S', 1000],
  bodyTimeoutMs: ['TERMBRIDGE_BODY_TIMEOUT_S', 1000],
  requestTimeoutMs: ['TERMBRIDGE_REQUEST_TIMEOUT_S', 1000],
  connectionsPerAddress: ['TERMBRIDGE_MAX_CONNECTIONS_PER_ADDRESS', 1],
  embeddedConcurrency: ['TERMBRIDGE_EMBEDDED_CONCURRENCY', 1],
  embeddedQueue: ['TERMBRIDGE_EMBEDDED_QUEUE', 1],
  embeddedMaxWaitMs: ['TERMBRIDGE_EMBEDDED_MAX_WAIT_MS', 1],
};

export function edgeLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): EdgeLimits {
  const limits = { ...DEFAULT_EDGE_LIMITS };
  for (const [key, [name, scale]] of Object.entries(ENV) as [keyof EdgeLimits, [string, number]][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not '${raw}'`);
    limits[key] = n * scale;
  }
  return limits;
}
