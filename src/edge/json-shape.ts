// Bounds a JSON text's nesting depth and object member count before anything parses or walks it
// recursively: JSON.parse, schema validation and the dialects' readers all recurse, so a body
// nested a few thousand levels would otherwise exhaust the stack (a 500) or the CPU.

export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Object members in the whole document. */
  maxKeys: number;
}

/** Why the text is refused, or undefined when it is within the limits (not that it is valid JSON). */
export function jsonShapeProblem(text: string, limits: JsonShapeLimits): string | undefined {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limits.maxDepth) return `The JSON body is nested deeper than ${limits.maxDepth} levels.`;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
    // Every object member is `"name":`; a colon outside a string is nothing else in JSON.
    else if (c === 0x3a /* : */ && ++keys > limits.maxKeys) return `The JSON body has more than ${limits.maxKeys} object members.`;
  }
  return undefined;
}
