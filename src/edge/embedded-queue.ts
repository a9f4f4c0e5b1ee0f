// The embedded database (PGlite) is one connection in this process: every request waits for it
// in turn, so a flood would queue without bound (issue 17: p99 51 s, RSS 921 MiB with 40
// clients). Requests are admitted a few at a time; a bounded number wait, each at most a
// bounded time; past either bound the request is refused at once with 503 and Retry-After in
// its dialect, before it has read a body or touched the database.

export interface EmbeddedQueueLimits {
  concurrency: number;
  queue: number;
  maxWaitMs: number;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  /** Requests refused since start (the bench prints it). */
  refused = 0;

  constructor(private readonly limits: EmbeddedQueueLimits) {}

  /** Resolves true when admitted (call `release` when done), false when refused. */
  acquire(): Promise<boolean> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.limits.queue) {
      this.refused++;
      return Promise.resolve(false);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(waiter.timer);
          resolve(true);
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(waiter);
          if (i >= 0) this.waiting.splice(i, 1);
          this.refused++;
          resolve(false);
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.admit(); // the slot passes straight to the next waiter
    else this.running--;
  }

  /** Seconds a refused client should wait: about how long the queue takes to drain. */
  retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.limits.maxWaitMs / 1000));
  }
}
