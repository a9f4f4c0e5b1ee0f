// Blackbaud SKY API school terms (Education Management School API,
// https://developer.sky.blackbaud.com/api#api=school&operation=V1YearsGet and …V1TermsGet; auth:
// https://developer.blackbaud.com/skyapi/docs/authorization/auth-code-flow/confidential-application,
// subscription key and rate limits: https://developer.blackbaud.com/skyapi/docs/basics):
// GET /school/v1/years answers {"count","value":[{"id","school_year_label":"2025-2026","current_year","published","begin_date","end_date"}]}
// and GET /school/v1/terms?school_year=2025-2026 {"count","value":[{"id","description","begin_date",
// "end_date","level_id","level_description","offering_type","school_year_label"}]} (the School
// API's Year and Term models; dates as 2003-04-21T10:29:43, taken as their day) — whole lists, no
// paging. Every request carries the Bb-Api-Subscription-Key header; the token comes from the
// district's refresh token (preserve_refresh_token=true keeps it valid for the next pull). A
// quota or rate limit answers 429 with Retry-After. Years become school-year sessions, terms
// their children; no change feed, so every pull reads all and one no longer listed is deleted.
import type { Connector, ConnectorRecord, PullPage } from '../connector.ts';
import type { SourceClient } from '../source-client.ts';
import { dayOf, sessionRecord, text, typeFromName } from './paged-read.ts';

interface BlackbaudResume {
  years: string[] | null;
  index: number;
}

/** "2025-2026" → 2026 (Ed-Fi names a school year by the year it ends). */
function endYear(label: string): number | null {
  const m = /(\d{4})\s*$/.exec(label);
  return m ? Number(m[1]) : null;
}

export class BlackbaudConnector implements Connector {
  constructor(
    private readonly client: SourceClient,
    private readonly url: string,
  ) {}

  async *pages(_state: unknown, resume: unknown): AsyncGenerator<PullPage, null, void> {
    const base = this.url.replace(/\/+$/, '');
    let r = (resume as BlackbaudResume | null) ?? { years: null, index: 0 };
    if (r.years === null) {
      const res = await this.client.getJson(`${base}/school/v1/years`);
      const years = ((res.body as { value?: unknown })?.value ?? []) as Record<string, unknown>[];
      if (!Array.isArray(years)) throw new Error(`${base}/school/v1/years did not answer {"value": [...]}`);
      const labels = years.flatMap((y) => (text(y.school_year_label) ? [text(y.school_year_label)!] : []));
      const records: ConnectorRecord[] = years.flatMap((y) => {
        const label = text(y.school_year_label);
        if (!label) return [];
        return [sessionRecord(`year:${label}`, { name: label, type: 'schoolYear', beginDate: dayOf(y.begin_date), endDate: dayOf(y.end_date), schoolYear: endYear(label), properties: { blackbaud: { currentYear: y.current_year ?? null } } })];
      });
      r = { years: labels, index: 0 };
      if (labels.length === 0) records.push({ kind: 'absentAreDeleted' });
      yield { records, resume: r, progress: { done: 0, total: labels.length } };
    }
    while (r.years && r.index < r.years.length) {
      const label = r.years[r.index]!;
      const res = await this.client.getJson(`${base}/school/v1/terms?school_year=${encodeURIComponent(label)}`);
      const terms = ((res.body as { value?: unknown })?.value ?? []) as Record<string, unknown>[];
      if (!Array.isArray(terms)) throw new Error(`${base}/school/v1/terms did not answer {"value": [...]}`);
      const records: ConnectorRecord[] = terms.flatMap((t) => {
        const id = text(t.id);
        if (!id) return [];
        const name = text(t.description) ?? `Term ${id}`;
        return [
          sessionRecord(id, {
            name,
            type: typeFromName(name),
            beginDate: dayOf(t.begin_date),
            endDate: dayOf(t.end_date),
            schoolYear: endYear(label),
            parentSourceId: `year:${label}`,
            properties: { blackbaud: { level: t.level_description ?? null, levelId: t.level_id ?? null, offeringType: t.offering_type ?? null } },
          }),
        ];
      });
      const list = r.years;
      r = { ...r, index: r.index + 1 };
      if (r.index >= list.length) records.push({ kind: 'absentAreDeleted' });
      yield { records, resume: r, progress: { done: r.index, total: list.length } };
    }
    return null;
  }
}
