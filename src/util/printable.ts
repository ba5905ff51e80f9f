/** Control, format (bidi overrides such as U+202E, zero-width), line/paragraph separators, lone surrogates. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const MAX_CHARS = 200;

/**
 * A string from the network made safe to log: every control or invisible formatting
 * character is shown as \u{...} (a U+202E in a device name cannot reverse the rest of a
 * log line, an escape sequence cannot drive the terminal), and it is cut to `max` chars.
 */
export function printable(value: string, max = MAX_CHARS): string {
  const cut = value.length > max ? `${value.slice(0, max)}...(${value.length} chars)` : value;
  return cut.replace(
    UNPRINTABLE,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}}`,
  );
}
