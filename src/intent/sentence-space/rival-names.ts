import { tokenize } from "../text/normalize.js";
import { spokenArea } from "./namings.js";

/** A device as the rule needs it: its id, the names people call it by, its area and domain. */
interface Named {
  id: string;
  name: string;
  aliases: readonly string[];
  area?: string | null | undefined;
  domain: string;
}

/**
 * The home's other device names that what the free text heard of a guess's device name fits
 * as well, and that make the guess another command the templates understand. Whisper often
 * hears a name in part ("room light" of *bedroom light*), and the guided search completes it
 * with the name Whisper scores best: "living room light" and "bedroom light" differ by one
 * unclear syllable, and the search picked the wrong room four times on the noisy hearing
 * bench (docs/stt.md, session 32). A device is named by its name, an alias, or its area and
 * domain ("living room light"); a name fits when its last word was heard ("light", "lights")
 * and every name word heard is one of its words, or the start or end of one (4+ letters:
 * "room" of "bedroom"). Empty when the guess's device was heard by a whole name (then nothing
 * was completed), or nothing of a name but its device word was heard ("bathroom light, talk."
 * -> the bedroom light: other rules judge a name put where none was heard). Pure but for
 * `understands`.
 */
export function rivalNames(
  heard: readonly string[],
  guessed: readonly string[],
  targets: ReadonlySet<string>,
  devices: readonly Named[],
  nameWords: ReadonlySet<string>,
  understands: (text: string) => boolean,
): string[] {
  const said = new Set(heard);
  const wasSaid = (word: string) => said.has(word) || said.has(`${word}s`);
  // The device words ("light") say what kind, not which: a part of a name must have been heard.
  const kinds = new Set(devices.flatMap(spoken).map((name) => tokenize(name).at(-1) ?? ""));
  const saidName = heard.filter(
    (word) => nameWords.has(word) && !kinds.has(word) && !kinds.has(word.replace(/s$/, "")),
  );
  if (saidName.length === 0) return [];
  const fits = (name: string) => {
    const words = tokenize(name);
    return wasSaid(words.at(-1) ?? "") && saidName.every((h) => words.some((w) => partOf(h, w)));
  };
  const own = devices
    .filter((d) => targets.has(d.id))
    .flatMap(spoken)
    .filter((name) => fits(name) && at(guessed, tokenize(name)) >= 0);
  const named = own[0];
  if (named === undefined || own.some((name) => tokenize(name).every(wasSaid))) return [];
  const ownWords = tokenize(named);
  const start = at(guessed, ownWords);
  return devices
    .filter((d) => !targets.has(d.id))
    .flatMap((d) => spoken(d).filter(fits).slice(0, 1))
    .filter((rival) =>
      understands(
        [...guessed.slice(0, start), ...tokenize(rival), ...guessed.slice(start + ownWords.length)].join(" "),
      ),
    );
}

function spoken(device: Named): string[] {
  const area = spokenArea(device);
  const byArea = area ? [`${area} ${device.domain}`] : [];
  return [device.name, ...device.aliases, ...byArea];
}

/** Where `words` start in `text`, the last one maybe plural ("living room lights"); -1: nowhere. */
function at(text: readonly string[], words: readonly string[]): number {
  const last = words.length - 1;
  const same = (w: string, j: number, said = "") => said === w || (j === last && said === `${w}s`);
  for (let i = 0; i + words.length <= text.length; i++)
    if (words.every((w, j) => same(w, j, text[i + j]))) return i;
  return -1;
}

/** `heard` is the word (or its plural), or (4+ letters) the start or end of it. */
function partOf(heard: string, word: string): boolean {
  if (heard === word || heard === `${word}s`) return true;
  return heard.length >= 4 && word.length > heard.length && (word.endsWith(heard) || word.startsWith(heard));
}
