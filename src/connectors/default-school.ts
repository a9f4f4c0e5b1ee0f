// A connection's default school (settings.school): sessions a source does not place in a school
// — an LMS's terms, a district-wide OneRoster 1.1 session — belong to this Ed-Fi schoolId, so
// Ed-Fi (which lists only sessions of a school) shows them too. Ed-Fi also keys a session by its
// school year, which an LMS term (Canvas) does not carry: a session placed here without one takes
// the year its dates' school year ends in, the rule the native connectors use.
import type { Connector, ConnectorRecord, PullPage } from './connector.ts';
import { schoolYearOf } from './native/paged-read.ts';

export function withDefaultSchool(connector: Connector, schoolId: number): Connector {
  const place = (r: ConnectorRecord): ConnectorRecord =>
    r.kind === 'session' && r.session.school === null
      ? { ...r, session: { ...r.session, school: { schoolId }, schoolYear: r.session.schoolYear ?? schoolYearOf(r.session.beginDate, r.session.endDate) } }
      : r;
  return {
    async *pages(state, resume): AsyncGenerator<PullPage, unknown, void> {
      const inner = connector.pages(state, resume);
      let step = await inner.next();
      while (!step.done) {
        yield { ...step.value, records: step.value.records.map(place) };
        step = await inner.next();
      }
      return step.value;
    },
  };
}
