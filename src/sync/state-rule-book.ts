// Loads every state's rule tables from src/sync/state-rules/*.json.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateRuleBook, StateRules } from './derive/state-rules.ts';

const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'state-rules');

let cached: StateRuleBook | undefined;

export function loadStateRuleBook(dir: string = RULES_DIR): StateRuleBook {
  if (dir === RULES_DIR && cached) return cached;
  const book = new Map<string, StateRules>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const rules = JSON.parse(readFileSync(join(dir, file), 'utf8')) as StateRules;
    if (typeof rules.stateCode !== 'string' || typeof rules.sessionNames !== 'object' || rules.sessionNames === null)
      throw new Error(`State rules ${file} need "stateCode" and "sessionNames".`);
    book.set(rules.stateCode.toUpperCase(), rules);
  }
  if (dir === RULES_DIR) cached = book;
  return book;
}
