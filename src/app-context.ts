// What every route group is handed: the store, the dialect/scope registry, and the clock.
import type { Store } from './store/database.ts';
import type { DialectRegistry } from './dialects/registry.ts';

export interface AppContext {
  store: Store;
  registry: DialectRegistry;
  /** The time "now" is; tests pin it. */
  now: () => Date;
}
