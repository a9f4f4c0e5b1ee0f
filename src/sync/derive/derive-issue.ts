// A reason derivation held something back; it becomes an error-log entry, and the SIS
// records it names are left alone by the planner (neither sent nor deleted) until fixed.
import type { SyncResource } from './edfi-record.ts';

export interface DeriveIssue {
  resource: SyncResource;
  schoolId: number | null;
  schoolYear: number;
  sources: string[];
  message: string;
  /** Same problem, same text: the error log keeps one open entry per fingerprint. */
  fingerprint: string;
}

export function deriveIssue(resource: SyncResource, schoolId: number | null, schoolYear: number, sources: string[], message: string): DeriveIssue {
  const sorted = [...new Set(sources)].sort();
  return { resource, schoolId, schoolYear, sources: sorted, message, fingerprint: `derive|${resource}|${sorted.join(',')}|${message}` };
}

/** The seed's Error Log row for a term with no start or end date (what Ed-Fi would answer). */
export function missingDatesMessage(missingBegin: boolean, missingEnd: boolean): string {
  const parts: string[] = [];
  if (missingBegin)
    parts.push("BeginDate is required. BeginDate : '1/1/0001 12:00:00 AM' must be within SQL datetime range ('1/1/1753 12:00:00 AM' to '12/31/9999 11:59:59 PM')");
  if (missingEnd)
    parts.push("EndDate is required. EndDate : '1/1/0001 12:00:00 AM' must be within SQL datetime range ('1/1/1753 12:00:00 AM' to '12/31/9999 11:59:59 PM')");
  return `Error code return from Ed-Fi. 400: [message:Validation of 'Session' failed. ${parts.join(' ')} ]. Term start or end dates are missing: enter them on the term and the session will send.`;
}
