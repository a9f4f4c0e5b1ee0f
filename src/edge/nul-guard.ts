// A NUL character is not text: PostgreSQL refuses it in any text value ("invalid byte sequence
// for encoding UTF8: 0x00"), which would surface as a 500 from whichever statement met it
// first. It is refused once, at the edge, for every route's query, path and parsed body, in the
// route's dialect, naming the field.

/** Where the first NUL character is (a field path such as `metadata.a[2]` or `term_name`), if any. */
export function nulField(value: unknown, root = ''): string | undefined {
  // Iterative: bodies reach here already bounded in depth, but a walk must not recurse anyway.
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return path || '(value)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, child] of Object.entries(v)) {
        const at = path ? `${path}.${k}` : k;
        if (k.includes('\0')) return at;
        stack.push([child, at]);
      }
    }
  }
  return undefined;
}

export function nulMessage(where: 'query parameter' | 'path parameter' | 'body field', field: string): string {
  return `The ${where} '${field.replace(/\0/g, '\\u0000')}' holds a NUL character (\\u0000), which is not text; remove it.`;
}
