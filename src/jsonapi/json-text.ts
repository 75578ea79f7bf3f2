import { randomUUID } from 'node:crypto';

/**
 * A value that knows its own JSON text, so a document embeds the text instead of serializing the
 * value again: a SKU's `inventory` repeats its market's lead times, which are serialized once per
 * market (behaviour/inventory-json.ts). `stringifyDocument` splices the texts in; any other
 * `JSON.stringify` (events, logs) gets the plain value, so the output is the same either way.
 */
export abstract class WithJsonText {
  /** The JSON text `JSON.stringify` would give for this value. */
  abstract jsonText(): string;

  toJSON(): unknown {
    if (!collecting) return JSON.parse(this.jsonText());
    collecting.push(this.jsonText());
    return MARK;
  }
}

/** A string no data can hold by chance: JSON escapes its NUL, and the UUID is this process's own. */
const MARK = `\u0000json-text:${randomUUID()}`;
const QUOTED_MARK = JSON.stringify(MARK);
let collecting: string[] | undefined;

/** `JSON.stringify(doc)`, with the texts of `WithJsonText` values spliced in rather than re-serialized. */
export function stringifyDocument(doc: unknown): string {
  const texts: string[] = [];
  let out: string;
  collecting = texts;
  try {
    out = JSON.stringify(doc);
  } finally {
    collecting = undefined;
  }
  if (!texts.length) return out;
  const parts = out.split(QUOTED_MARK);
  // a part per text and one more, unless a string of the document held the mark itself
  if (parts.length !== texts.length + 1) return JSON.stringify(doc);
  let text = parts[0]!;
  for (let i = 0; i < texts.length; i++) text += texts[i]! + parts[i + 1]!;
  return text;
}
