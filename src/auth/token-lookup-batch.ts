// Concurrent requests' token lookups share one query. While a lookup query is in flight, the
// tokens that arrive wait and go together in the next one, so under load the database answers
// one query per batch instead of one per request. Every lookup still starts after its request
// arrived, so anything committed before the request — a revocation, a write the response cache
// must see (src/cache) — is seen, exactly as with a query of its own.

/** Most tokens one query carries; more wait for the next. */
const MAX_BATCH = 64;

interface Waiting<R> {
  key: string;
  resolve(row: R | undefined): void;
  reject(error: unknown): void;
}

export class TokenLookupBatch<R> {
  private waiting: Waiting<R>[] = [];
  private running = false;

  /** `run` answers a set of keys with the row of each key found. */
  constructor(private readonly run: (keys: string[]) => Promise<Map<string, R>>) {}

  lookup(key: string): Promise<R | undefined> {
    return new Promise<R | undefined>((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const rows = await this.run([...new Set(batch.map((w) => w.key))]);
          for (const w of batch) w.resolve(rows.get(w.key));
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
