// The store's findings about a staged academicSessions.csv, worded as the binding's problems
// (file, line, column, reason).
import type { SessionImportFinding } from '../../../store/bulk-import/session-import-findings.ts';
import type { ImportScope } from '../../../store/bulk-import/session-import-rows.ts';
import { wireEndDate } from '../wire-values.ts';
import type { CsvProblem } from './csv-problem.ts';

const FILE = 'academicSessions.csv';

export function sessionImportProblem(f: SessionImportFinding, scope: ImportScope): CsvProblem {
  const at = (column: string, reason: string): CsvProblem => ({ file: FILE, line: f.line, column, reason });
  switch (f.kind) {
    case 'duplicateId':
      return at('sourcedId', `sourcedId '${f.externalId}' is already on line ${f.firstLine}.`);
    case 'protectedSession':
      return at('sourcedId', `'${f.externalId}' is Canvas's Default Term, which OneRoster does not change.`);
    case 'unknownOrg':
      return at('metadata.orgSourcedId', `no org has sourcedId '${f.orgKey}' (in orgs.csv or already stored).`);
    case 'unknownParent':
      return at(
        'parentSourcedId',
        `no academic session has sourcedId '${f.parentExternalId}' in this file${scope === 'bulk' ? ' (a bulk file must hold every parent).' : ' or the store.'}`,
      );
    case 'beginsBeforeParent':
      return at('startDate', `startDate ${f.beginDate} is before the startDate ${f.parentBeginDate} of its parent '${f.parentExternalId}'.`);
    case 'endsAfterParent':
      return at('endDate', `endDate ${wireEndDate(f.endDate)} is after the endDate ${wireEndDate(f.parentEndDate)} of its parent '${f.parentExternalId}'.`);
    case 'parentCycle':
      return at('parentSourcedId', 'the parents form a cycle back to this session.');
    case 'nameTakenInFile':
      return at('title', `another active session of the same school and schoolYear is already titled '${f.name}' (line ${f.firstLine}).`);
    case 'nameTakenInStore':
      return at('title', `an active session of the same school and schoolYear not in this file is already titled '${f.name}'.`);
  }
}
