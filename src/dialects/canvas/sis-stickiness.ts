// SIS stickiness. Canvas remembers which term fields an SIS import set; a PUT with
// override_sis_stickiness=false leaves those fields alone. termbridge records them in
// properties.canvas.stickyFields: an importer (a connector or the SIS sync) calls
// markSetByImport when it writes a term, and every write through the Canvas API takes the
// fields it sets off the list again (they were then last set by a person, not an import).
import type { CanvasTermProperties, StickyField } from './term-properties.ts';

/** Properties after an SIS import wrote these fields (and, optionally, under this import id). */
export function markSetByImport(
  properties: Record<string, unknown>,
  current: CanvasTermProperties,
  fields: StickyField[],
  sisImportId?: number,
): Record<string, unknown> {
  const sticky = [...new Set([...(current.stickyFields ?? []), ...fields])];
  const canvas: CanvasTermProperties = { ...current, stickyFields: sticky };
  if (sisImportId !== undefined) canvas.sisImportId = sisImportId;
  return { ...properties, canvas };
}

/** The sticky fields left after the Canvas API itself wrote `written`. */
export function afterApiWrite(current: StickyField[] | undefined, written: StickyField[]): StickyField[] {
  return (current ?? []).filter((f) => !written.includes(f));
}

/** The fields of a PUT that override_sis_stickiness=false keeps out of the update. */
export function stuckFields(current: StickyField[] | undefined, overrideStickiness: boolean): StickyField[] {
  return overrideStickiness ? [] : [...(current ?? [])];
}
