// Sessions for the Edlink tests, written straight into the store.
import type { SessionInput } from '../../../src/domain/session.ts';
import { SessionRepository } from '../../../src/store/session-repository.ts';
import type { TestApp } from '../../harness.ts';

export function sessionInput(overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    schoolOrgId: null,
    schoolYear: null,
    name: 'Fall 2025',
    type: 'semester',
    beginDate: '2025-08-13',
    endDate: '2025-12-19',
    parentId: null,
    termDescriptor: null,
    gradingPeriodDescriptor: null,
    periodSequence: null,
    totalInstructionalDays: null,
    ...overrides,
  };
}

export async function insertSessions(t: TestApp, tenantId: string, inputs: SessionInput[]) {
  const repo = new SessionRepository(t.store.db);
  const out = [];
  for (const input of inputs) out.push(await repo.insert(tenantId, input));
  return out;
}
