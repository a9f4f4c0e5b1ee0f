// Canvas's own developer-key scope strings, one per route, exactly as Canvas writes them.
export const TERMS_PATH = '/api/v1/accounts/:account_id/terms';
export const TERM_PATH = '/api/v1/accounts/:account_id/terms/:id';

export const CANVAS_SCOPES: Record<string, string[]> = {
  [`GET ${TERMS_PATH}`]: [`url:GET|${TERMS_PATH}`],
  [`POST ${TERMS_PATH}`]: [`url:POST|${TERMS_PATH}`],
  [`GET ${TERM_PATH}`]: [`url:GET|${TERM_PATH}`],
  [`PUT ${TERM_PATH}`]: [`url:PUT|${TERM_PATH}`],
  [`DELETE ${TERM_PATH}`]: [`url:DELETE|${TERM_PATH}`],
};

/** Every Canvas scope: what a client needs to use the whole Enrollment Terms API. */
export const ALL_CANVAS_SCOPES = Object.values(CANVAS_SCOPES).flat();
