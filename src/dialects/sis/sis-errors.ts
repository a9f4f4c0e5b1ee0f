// The SIS API's error envelope: {"error": kind, "message": "...", "problems": [{path, message}]}.
import type { DialectErrorResponse, ErrorKind } from '../dialect.ts';
import type { SisProblem } from '../../sync/sis-validation.ts';

export class SisApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: SisProblem[] = [],
  ) {
    super(message);
  }
}

export function sisErrorBody(status: number, kind: string, message: string, problems: SisProblem[] = []) {
  return { status, error: kind, message, ...(problems.length ? { problems } : {}) };
}

export function formatSisError(kind: ErrorKind, message: string, status: number): DialectErrorResponse {
  return { status, body: sisErrorBody(status, kind, message) };
}

/** A message listing the first problems, so the one-line message alone is actionable. */
export function summarise(problems: SisProblem[]): string {
  const shown = problems.slice(0, 3).map((p) => `${p.path} ${p.message}`);
  return `${problems.length} problem${problems.length === 1 ? '' : 's'} in the request, nothing was saved: ${shown.join('; ')}${problems.length > 3 ? '; …' : ''}`;
}
