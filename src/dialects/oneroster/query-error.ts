// A bad filter, sort, fields or paging parameter: the imsx code minor it is reported under and a
// message that says what to change.
export type QueryCodeMinor = 'invalid_filter_field' | 'invalid_selection_field' | 'invaliddata';

export class OneRosterQueryError extends Error {
  constructor(
    readonly codeMinor: QueryCodeMinor,
    message: string,
  ) {
    super(message);
  }
}
