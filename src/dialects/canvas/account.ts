// Which Canvas account an `:account_id` names. The tenant (the district) is the root account:
// `self` or id 1. Its schools are sub-accounts: ids 2, 3, … in the order they were added, or
// `sis_account_id:<Ed-Fi schoolId>`. Terms live only on the root account.
import type { Org } from '../../store/tenant-repository.ts';

export const ROOT_ACCOUNT_ID = 1;

export type AccountRef = { kind: 'root' } | { kind: 'subAccount'; school: Org } | { kind: 'unknown' };

const SIS_ACCOUNT = 'sis_account_id:';

export function resolveAccount(accountId: string, district: Org | null, schools: Org[]): AccountRef {
  if (accountId === 'self' || accountId === String(ROOT_ACCOUNT_ID)) return { kind: 'root' };
  if (accountId.startsWith(SIS_ACCOUNT)) {
    const sis = accountId.slice(SIS_ACCOUNT.length);
    if (district && (String(district.schoolId) === sis || district.identifiers.sis === sis)) return { kind: 'root' };
    const school = schools.find((s) => String(s.schoolId) === sis || s.identifiers.sis === sis);
    if (school) return { kind: 'subAccount', school };
    return { kind: 'unknown' };
  }
  if (/^\d+$/.test(accountId)) {
    const n = Number(accountId);
    const school = n >= 2 ? schools[n - 2] : undefined;
    if (school) return { kind: 'subAccount', school };
  }
  return { kind: 'unknown' };
}
