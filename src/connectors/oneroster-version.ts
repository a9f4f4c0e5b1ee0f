// What differs between OneRoster 1.1 and 1.2 for reading academic sessions, as data: where the
// rostering service lives, the scopes a token is asked with, which status values mean "deleted",
// what endDate means, and the CSV manifest's oneroster.version. A profile may override the date
// meaning and the paging for a provider that deviates.
import type { ConnectionSettings } from './connection-repository.ts';

export type OneRosterVersionName = '1.1' | '1.2';

export interface OneRosterVersion {
  name: OneRosterVersionName;
  /** The rostering service's path under the server root. */
  rosteringPath: string;
  /** Read scopes, narrowest first; '' asks for whatever the client holds. */
  scopes: string[];
  /** Status values that mean the source deleted the item. */
  deleteStatuses: string[];
  /** Whether endDate is the first day after the session. */
  endDate: 'exclusive' | 'inclusive';
}

export const ONEROSTER_VERSIONS: Record<OneRosterVersionName, OneRosterVersion> = {
  '1.1': {
    name: '1.1',
    // OneRoster 1.1 REST binding: /ims/oneroster/v1p1/academicSessions, /orgs.
    rosteringPath: '/ims/oneroster/v1p1',
    scopes: ['https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly', 'https://purl.imsglobal.org/spec/or/v1p1/scope/roster.readonly', ''],
    // 1.0's `inactive` was removed in 1.1 and "should be interpreted as tobedeleted" (the 1.2
    // status description); 1.1 sources upgraded from 1.0 still send it.
    deleteStatuses: ['tobedeleted', 'inactive'],
    // 1.1 does not say the end date is excluded (1.2 added that sentence), and 1.1 sources write
    // the session's last day; a profile can say otherwise.
    endDate: 'inclusive',
  },
  '1.2': {
    name: '1.2',
    rosteringPath: '/ims/oneroster/rostering/v1p2',
    scopes: [
      'https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly',
      'https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly',
      '',
    ],
    deleteStatuses: ['tobedeleted'],
    // 1.2: "The end date is excluded from the academic session".
    endDate: 'exclusive',
  },
};

/** The version a connection's settings ask for, with the profile's date meaning applied. */
export function oneRosterVersionOf(settings: ConnectionSettings | undefined): OneRosterVersion {
  const base = ONEROSTER_VERSIONS[settings?.oneRosterVersion === '1.1' ? '1.1' : '1.2'];
  return settings?.endDate === 'inclusive' || settings?.endDate === 'exclusive' ? { ...base, endDate: settings.endDate } : base;
}
