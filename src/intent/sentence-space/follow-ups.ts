import { withoutMarkers } from "../follow-up.js";
import { compileTemplates } from "../templates/compile.js";
import { DEFAULT_TEMPLATES } from "../templates/defaults.js";
import type { CompiledTemplate } from "../templates/types.js";
import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";

/**
 * What a follow-up says that no template says alone: a new target for the previous action
 * ("and the hallway light too", "also the kitchen light", "what about the back door"). The
 * matcher never reads these (intent/follow-up.ts does, with the previous intent); they are in
 * the sentence space only, so guided speech recognition can hear them: espeak-ng's "and the
 * hallway light too" was written "And I'm having a good night too" by Whisper alone. The
 * markers are follow-up.ts's. A whole command with "too" ("turn off the fan too") is heard
 * as the command.
 */
const SHAPES = [
  "[and|and also|also] <target> (too|also|as well)",
  "(also|and also) <target>",
  "(what|how) about <target>",
  "same for <target>",
];

let compiled: readonly CompiledTemplate[] | null = null;

/**
 * The shapes as templates for the sentence graph, with the built-in `<target>`: any device
 * ({name} and {area} as HassGetState, which may name any kind of device, holds them).
 */
export function followUpShapes(): readonly CompiledTemplate[] {
  compiled ??= compileTemplates({
    expansion_rules: DEFAULT_TEMPLATES.expansion_rules,
    lists: DEFAULT_TEMPLATES.lists,
    intents: { HassGetState: { data: [{ sentences: SHAPES }] } },
  }).templates;
  return compiled;
}

/**
 * What a follow-up shape asks about, for the guided pass's margin (SentenceSpace.meaning): the
 * devices it names, so "and the hallway light too" and "and the hallway lights too" are one
 * meaning and not two rivals. Null for other words.
 */
export function followUpMeaning(
  text: string,
  recognize: (text: string) => RecognizedIntent | null,
): string | null {
  const rest = withoutMarkers(tokenize(text));
  if (!rest || rest.length === 0) return null;
  const asked = recognize(`what is the state of ${rest.join(" ")}`);
  return asked ? JSON.stringify(["follow-up", asked.targets]) : null;
}
