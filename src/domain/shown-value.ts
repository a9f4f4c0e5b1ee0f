// How a value a client sent is quoted back in an error message. `String(v)` is not enough: a
// JSON object can carry its own `toString` (`{"toString":""}`), and String() then throws,
// turning a 400 into a 500.
export function shownValue(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}
