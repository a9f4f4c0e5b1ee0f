// Serialized responses of read routes, each stored with the tenant data version it was computed
// under (src/store/data-changes.ts). An entry answers only a request that read the same version,
// so no write is ever hidden by it; old versions are simply never hit and age out. Bounded by
// bytes, least recently used out first.

export interface CachedResponse {
  /** The tenant data version the response was computed under. */
  version: string;
  headers: Record<string, string | string[]>;
  body: string | Buffer;
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/** What a request's response may depend on besides the data: who asks (and for which school), what, and how it is addressed. */
export interface CacheKeyParts {
  tenantId: string;
  scopes: readonly string[];
  /** The school an Ed-Fi EdOrg-scoped token is limited to, if any. */
  schoolId: number | undefined;
  url: string;
  host: string;
  proto: string;
  accept: string;
}

export function responseCacheKey(p: CacheKeyParts): string {
  return [p.tenantId, p.scopes.join(' '), p.schoolId ?? '', p.proto, p.host, p.accept, p.url].join('\u0000');
}

function sizeOf(key: string, r: CachedResponse): number {
  let n = key.length + r.version.length + (typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length);
  for (const [k, v] of Object.entries(r.headers)) n += k.length + (Array.isArray(v) ? v.join('').length : v.length);
  return n;
}

export class ResponseCache {
  private readonly entries = new Map<string, { response: CachedResponse; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string, version: string): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.response.version !== version) {
      this.misses++;
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.response;
  }

  set(key: string, response: CachedResponse): void {
    const bytes = sizeOf(key, response);
    // One huge body would evict everything else for a response that is rarely asked twice.
    if (bytes > this.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      // A slow request finishing after a newer one must not put its older answer back.
      if (BigInt(old.response.version) > BigInt(response.version)) return;
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { response, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size, bytes: this.bytes };
  }
}
