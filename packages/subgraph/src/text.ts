import { badInput } from "@campus/errors";

/** Characters that reorder how text around them is displayed: with them a name can pose as another. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** Control characters; line breaks and tabs are allowed in multi-line text only. */
const CONTROLS = /[\p{Cc}]/u;
const LINE_CONTROLS = /[^\P{Cc}\n\r\t]/u;
/** A letter, digit, punctuation mark or symbol: something a reader sees. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export interface TextRule {
  /** The input field, named in the error. */
  field: string;
  min: number;
  max: number;
  /** Descriptions and summaries may span lines. */
  multiline?: boolean;
}

/**
 * Text people will read as someone's name or a course's title: trimmed,
 * within length, no control or bidirectional-override characters, and (when
 * it may not be empty) at least one visible character, so a name made only of
 * zero-width or invisible characters is refused. Length counts code points.
 */
export function readableText(value: string, rule: TextRule): string {
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length < rule.min || length > rule.max) {
    throw badInput(`${rule.field} must be ${rule.min} to ${rule.max} characters`, { field: rule.field });
  }
  if (BIDI_CONTROLS.test(trimmed)) {
    throw badInput(`${rule.field} must not contain bidirectional control characters`, { field: rule.field });
  }
  if ((rule.multiline ? LINE_CONTROLS : CONTROLS).test(trimmed)) {
    throw badInput(`${rule.field} must not contain control characters`, { field: rule.field });
  }
  if (rule.min > 0 && !VISIBLE.test(trimmed)) {
    throw badInput(`${rule.field} must contain a visible character`, { field: rule.field });
  }
  return trimmed;
}
