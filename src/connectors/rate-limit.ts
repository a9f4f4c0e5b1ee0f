// How long a platform asks us to wait, read from whichever rate-limit header it sends:
// Retry-After (RFC 9110: seconds or an HTTP date), RateLimit-Reset (IETF draft: seconds),
// X-RateLimit-Reset (Clever, GitHub-style: epoch seconds) and X-Rate-Limit-Reset (Blackboard
// Learn: seconds until the window resets). A reset header is honoured only when the platform
// says the window is used up (…-Remaining: 0) or the answer is a 429/503.

/** Milliseconds until the reset a header value names; null when it names none. */
export function resetDelayMs(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) {
    // Only Retry-After may be an HTTP date; a date elsewhere is read the same way.
    const at = Date.parse(text);
    return Number.isFinite(at) && /[a-z]/i.test(text) ? Math.max(0, at - now) : null;
  }
  const n = Number(text);
  // A number this large is an instant, not a count of seconds (a week is 604,800 s).
  if (n > 1e12) return Math.max(0, n - now);
  if (n > 1e9) return Math.max(0, n * 1000 - now);
  return n * 1000;
}

const REMAINING = ['x-ratelimit-remaining', 'x-rate-limit-remaining', 'ratelimit-remaining'];
const RESET = ['ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset'];

/**
 * The wait the headers ask for before the next request: after a refusal (`limited`), Retry-After
 * or else a reset header; after a success, a reset header only when no request is left.
 */
export function rateLimitWaitMs(headers: Record<string, string | undefined>, now: number, limited: boolean): number | null {
  if (limited) {
    const retry = resetDelayMs(headers['retry-after'], now);
    if (retry !== null) return retry;
  } else {
    const remaining = REMAINING.map((h) => headers[h]).find((v) => v !== undefined);
    if (remaining === undefined || Number(remaining.split(',')[0]) > 0) return null;
  }
  for (const h of RESET) {
    const ms = resetDelayMs(headers[h]?.split(',')[0], now);
    if (ms !== null) return ms;
  }
  return null;
}
