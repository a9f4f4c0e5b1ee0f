// One reason an import is rejected, located as precisely as the binding allows.
export interface CsvProblem {
  file: string;
  /** 1-based line in the file (the header is line 1); 0 when the problem is about the whole file. */
  line: number;
  column: string;
  reason: string;
}

/** A report lists this many problems in full; the count says how many there were. */
export const MAX_REPORTED_PROBLEMS = 1000;

export class CsvProblems {
  readonly list: CsvProblem[] = [];
  count = 0;
  add(p: CsvProblem): void {
    this.count++;
    if (this.list.length < MAX_REPORTED_PROBLEMS) this.list.push(p);
  }
}
