// What an error body looks like in each dialect, told apart by URL prefix: the fuzz and
// hostile-input tests assert every 4xx they provoke has its dialect's shape.

export type Shape = 'edfi' | 'oneroster' | 'canvas' | 'edlink' | 'sis' | 'oauth';

export function shapeOf(url: string): Shape | undefined {
  const path = url.split('?')[0]!.toLowerCase();
  if (path.startsWith('/data/v3') || path.startsWith('/changequeries') || path.startsWith('/metadata')) return 'edfi';
  if (path.startsWith('/ims/oneroster')) return 'oneroster';
  if (path.startsWith('/api/v1')) return 'canvas';
  if (path.startsWith('/api/v2')) return 'edlink';
  if (path.startsWith('/sis/')) return 'sis';
  if (path.startsWith('/oauth')) return 'oauth';
  return undefined;
}

/** Why `body` is not an error body of `shape`, or undefined when it is. */
export function shapeProblem(shape: Shape, status: number, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return `not a JSON object: ${JSON.stringify(body)}`;
  const b = body as Record<string, unknown>;
  if ('code' in b && typeof b.code === 'string' && b.code.startsWith('FST_')) return `Fastify's own body: ${JSON.stringify(b)}`;
  switch (shape) {
    case 'edfi':
      return typeof b.type === 'string' && b.type.startsWith('urn:ed-fi:api') && b.status === status && typeof b.detail === 'string' ? undefined : `not problem details: ${JSON.stringify(b)}`;
    case 'oneroster':
      return b.imsx_codeMajor === 'failure' && typeof b.imsx_description === 'string' ? undefined : `not imsx_StatusInfo: ${JSON.stringify(b)}`;
    case 'canvas':
      return Array.isArray(b.errors) || (b.errors && typeof b.errors === 'object') || typeof b.message === 'string' ? undefined : `not a Canvas error: ${JSON.stringify(b)}`;
    case 'edlink':
      return Array.isArray(b.$errors) && b.$errors.length > 0 ? undefined : `not an Edlink $errors body: ${JSON.stringify(b)}`;
    case 'sis':
      return typeof b.error === 'string' && typeof b.message === 'string' && b.status === status ? undefined : `not a SIS error: ${JSON.stringify(b)}`;
    case 'oauth':
      return typeof b.error === 'string' && typeof b.error_description === 'string' ? undefined : `not an RFC 6749 error: ${JSON.stringify(b)}`;
  }
}
