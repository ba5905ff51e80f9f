import { isYes } from "../confirmation.js";
import { sensitiveVerb } from "../domains.js";
import type { DeviceRegistry } from "../registry.js";
import { leadingFillers, stripFiller, type TemplateRecognizer } from "../templates/recognizer.js";
import { tokenize } from "../text/normalize.js";
import type { RecognizedIntent } from "../types.js";
import { HARMLESS_NEXT, OPPOSITES } from "./action-words.js";
import { type GraphConstraint, graphConstraint } from "./constraint.js";
import { followUpMeaning } from "./follow-ups.js";
import type { SentenceGraph } from "./graph.js";
import { namedForms, namingWords, spokenArea } from "./namings.js";
import { questionsAbout } from "./questions.js";
import { reversedForms, swappedStates } from "./reversals.js";
import { rivalNames } from "./rival-names.js";
import { spellText } from "./spell.js";

/**
 * One home's sentence space as the speech-to-text stage uses it (it matches stt/guide.ts's
 * TranscriptGuide without importing it): the graph a decoder walks, and the intent stage's
 * own judgement of a transcript, so the guided decoding is decided by the same templates
 * that will read its text.
 */
export class SentenceSpace {
  readonly constraint: GraphConstraint;
  /** The commands alone: no filler words around them, no follow-up shapes (guided decoding's second search). */
  readonly commands: GraphConstraint | undefined;
  readonly #wakeWords: ReadonlyArray<readonly string[]>;
  /** The last words of the wake phrases of two words or more ("jarvis"): see #withoutWake. */
  readonly #wakeEnds: ReadonlySet<string>;
  #names: ReadonlySet<string> | null = null;
  #wholeNames: ReadonlySet<string> | null = null;
  #words: ReadonlySet<string> | null = null;
  #naming: ReturnType<typeof namingWords> | null = null;

  constructor(
    readonly graph: SentenceGraph,
    private readonly recognizer: TemplateRecognizer,
    private readonly registry: DeviceRegistry,
    wakePhrases: readonly string[],
    /** The templates' skip words ("so", "thank you"): what the matcher drops around a command. */
    private readonly skipPhrases: readonly string[][] = [],
    /** The graph built without the filler words (buildSentenceGraph's commandsOnly). */
    commandsGraph?: SentenceGraph,
    /** The intent stage's own reading, misheard names included (intent.fuzzy_threshold). */
    private readonly fuzzy: TemplateRecognizer = recognizer,
  ) {
    this.constraint = graphConstraint(graph);
    this.commands = commandsGraph && graphConstraint(commandsGraph);
    // "hey jarvis" and "jarvis": the detector can fire before the whole phrase is over.
    this.#wakeWords = wakePhrases
      .map((p) => tokenize(p))
      .flatMap((words) => words.map((_, i) => words.slice(i)))
      .sort((a, b) => b.length - a.length);
    this.#wakeEnds = new Set(
      wakePhrases.map((p) => tokenize(p)).flatMap((words) => (words.length > 1 ? words.slice(-1) : [])),
    );
  }

  /** True when the intent stage takes this text as it is: a template matches, or it answers a confirmation. */
  understands(text: string): boolean {
    const command = this.#withoutWake(text);
    return isYes(command) || this.recognizer.recognize(command) !== null;
  }

  contradicts(free: string, guided: string): boolean {
    const heard = new Set(tokenize(free));
    const guessed = new Set(tokenize(guided));
    const has = (words: Set<string>, side: readonly string[]) => side.some((w) => words.has(w));
    return OPPOSITES.some(
      ([a, b]) =>
        (has(heard, a) && !has(heard, b) && has(guessed, b) && !has(guessed, a)) ||
        (has(heard, b) && !has(heard, a) && has(guessed, a) && !has(guessed, b)),
    );
  }

  /** True when the text asks for an action that needs a spoken yes (unlock, open the garage). */
  isSensitive(text: string): boolean {
    const intent = this.recognizer.recognize(this.#withoutWake(text));
    if (!intent) return false;
    return intent.targets.some((id) => {
      const device = this.registry.get(id);
      return device !== undefined && sensitiveVerb(intent.intent, device) !== null;
    });
  }

  guardsHome(text: string): boolean {
    const intent = this.recognizer.recognize(this.#withoutWake(text));
    // A question about the front door acts on nothing.
    if (!intent || intent.intent === "HassGetState") return false;
    return intent.targets.some((id) => {
      const device = this.registry.get(id);
      // Either way: a guessed "lock" is as much a guess on the front door as "unlock".
      return (
        device !== undefined &&
        (sensitiveVerb("HassTurnOn", device) ?? sensitiveVerb("HassTurnOff", device)) !== null
      );
    });
  }

  nameWords(text: string): string[] {
    const known = this.#nameWords();
    return tokenize(text).filter((word) => known.has(word));
  }

  /**
   * The same command with its action reversed, as Whisper would write it had it heard the
   * syllable it may have missed ("Lock the front door." -> "Unlock the front door."): only
   * sentences the templates read as another command, and none for a sensitive action.
   */
  reversals(text: string): string[] {
    // Most commands have no such word: they cost no call to the templates here.
    const forms = reversedForms(text);
    // A sensitive action (unlock, disarm) asks for a spoken yes, a stronger guard than a
    // score: checked too, unlocks Whisper heard right would be refused (a lead of 3 over
    // "lock" on the bench, against 6-10 for locks said).
    if (forms.length === 0 || this.isSensitive(text)) return [];
    return this.#otherCommands(forms, this.meaning(text));
  }

  /**
   * The command with an "on" or "off" the other way, when that is another command the
   * templates read; none for a question ("is the fan on?" asks the same either way).
   */
  stateFlips(text: string): string[] {
    const forms = swappedStates(text);
    const intent = forms.length ? this.recognizer.recognize(this.#withoutWake(text)) : null;
    if (!intent || intent.intent === "HassGetState") return [];
    return this.#otherCommands(forms, meaningOf(intent));
  }

  /**
   * The question whether what the command switches is in the state it asks for ("Hey Jarvis,
   * kitchen light, on." -> "Hey Jarvis, is the kitchen light on?"), when the command is said
   * as the question's words without its "is" or "are": questions.ts.
   */
  questions(text: string): string[] {
    const words = tokenize(text);
    const wake = this.#wakeWordsIn(words);
    const said = words.slice(wake);
    return questionsAbout(text, wake, said.slice(leadingFillers(said, this.skipPhrases)), {
      read: (command) => this.recognizer.recognize(command),
      domainOf: (id) => this.registry.get(id)?.domain ?? "",
    });
  }

  /** The forms the templates read as a command meaning other than `meaning`. */
  #otherCommands(forms: readonly string[], meaning: string): string[] {
    return forms.filter((t) => this.understands(t) && this.meaning(t) !== meaning);
  }

  /**
   * The text with each of the home's names before the word that picks its devices, when it
   * picks them by kind alone ("Turn off the light." -> "Turn off the bedroom light.", ...:
   * namings.ts); empty when it names a device or an area, or is no command. Such a command
   * is taken only if it is likelier than each of them (GuidedThresholds.minNameLead).
   */
  namings(text: string): string[] {
    const intent = this.recognizer.recognize(this.#withoutWake(text));
    if (!intent?.slots.domain || intent.slots.name !== undefined || intent.slots.area !== undefined)
      return [];
    const devices = this.registry.all();
    this.#naming ??= namingWords(
      devices.flatMap((d) => [d.name, ...d.aliases]),
      devices.map(spokenArea),
    );
    return namedForms(text, this.#naming.kinds, this.#naming.modifiers);
  }

  /**
   * True when the text is a whole sentence of the space that nothing meaningful can follow:
   * "turn on the kitchen light" (at most "in the kitchen" or "please"), not "set the lamp
   * to" nor "set the lamp to 40" (40 and a half? 40 point 5?) nor a timer ("and 5 minutes").
   * The pipeline ends such a command after a shorter silence (vad.early_endpoint_seconds).
   */
  isWhole(text: string): boolean {
    const spelled = spellText(text);
    const at = spelled === null ? null : this.graph.walk(this.graph.start, spelled);
    if (!at || !this.graph.isComplete(at)) return false;
    return [...this.graph.nextWords(at)].every((word) => HARMLESS_NEXT.has(word));
  }

  /** The intent, targets and slots the text asks for; its words when the templates do not read it. */
  meaning(text: string): string {
    const command = this.#withoutWake(text);
    const intent = this.recognizer.recognize(command);
    if (!intent) return followUpMeaning(command, (words) => this.recognizer.recognize(words)) ?? command;
    return meaningOf(intent);
  }

  /** What the intent stage, misheard names and all, would do with the text, as meaning() writes it; null: nothing. */
  readsAs(text: string): string | null {
    const intent = this.fuzzy.recognize(this.#withoutWake(text));
    return intent ? meaningOf(intent) : null;
  }

  /**
   * The command's first `words` words, after the wake phrase and the fillers before it (""
   * while there is none yet): "So, now, the ..." and "And all the ..." are told apart by
   * "the" and "all", "Turn on the" and "Turn the" by their second word, and every
   * hypothesis still in its fillers is one group.
   */
  group(text: string, words = 1): string {
    return this.#command(text).slice(0, words).join(" ");
  }

  /**
   * Filler words in the text, around the command (after the wake phrase): the words the
   * templates' matcher drops ("so", "and", "thank you", "please"). A trailing "and" that a
   * longer sentence would keep ("an hour and a half") counts until the next word comes.
   */
  fillers(text: string): number {
    const words = this.#wakeless(text);
    return words.length - stripFiller(words, this.skipPhrases).length;
  }

  /** Every word its sentences are made of: a free text with none of them near has nothing a guess could keep. */
  words(): ReadonlySet<string> {
    this.#words ??= this.graph.words();
    return this.#words;
  }

  /** True when the word alone is a device's whole name or alias, or an area ("heating"; not "light"). */
  isWholeName(word: string): boolean {
    this.#wholeNames ??= new Set(this.#spokenNames().map((s) => tokenize(s).join(" ")));
    return this.#wholeNames.has(word.toLowerCase());
  }

  /** Every word of the devices' names, aliases and areas (the registry is fixed for a space's life). */
  #nameWords(): ReadonlySet<string> {
    this.#names ??= new Set(this.#spokenNames().flatMap((s) => tokenize(s)));
    return this.#names;
  }

  #spokenNames(): string[] {
    return this.registry.all().flatMap((d) => [d.name, ...d.aliases, spokenArea(d)]);
  }

  /** The home's other device names that what `free` heard of the guess's device name fits as well (rival-names.ts). */
  rivalNames(free: string, guessed: string): string[] {
    const intent = this.recognizer.recognize(this.#withoutWake(guessed));
    if (!intent) return [];
    const understands = (text: string) => this.understands(text);
    const heard = [this.#wakeless(free), this.#wakeless(guessed)] as const;
    return rivalNames(...heard, new Set(intent.targets), this.registry.all(), this.#nameWords(), understands);
  }

  /** True when the text begins with one of the wake phrases ("Hey, Jarvis, set ..."). */
  startsWithWake(text: string): boolean {
    return this.#wakeLength(tokenize(text)) > 0;
  }

  /** True when the text is one of the wake phrases (or its end) and nothing else ("Hey Jarvis,"). */
  isWakeOnly(text: string): boolean {
    const words = tokenize(text);
    return words.length > 0 && this.#wakeLength(words) === words.length;
  }

  /**
   * The text as the intent stage will read it: the pipeline strips a misheard first word of the
   * wake phrase too ("Here Jarvis, turn off ...": stripWakePhrase), so a free text the templates
   * will understand after it is understood here, not guessed over (a guess once turned that
   * "bed room light" into the living room's). A guess's own wake phrase is the grammar's spelling.
   */
  #withoutWake(text: string): string {
    const words = tokenize(text);
    return words.slice(this.#wakeWordsIn(words)).join(" ");
  }

  /** How many first words #withoutWake drops: a wake phrase, or a misheard one's end ("Here Jarvis"). */
  #wakeWordsIn(words: readonly string[]): number {
    return this.#wakeLength(words) || (this.#wakeEnds.has(words[1] ?? "") ? 2 : 0);
  }

  #wakeless(text: string): string[] {
    const words = tokenize(text);
    return words.slice(this.#wakeLength(words));
  }

  /** How many of the first words are one of the wake phrases, as spelled; 0: none. */
  #wakeLength(words: readonly string[]): number {
    const wake = this.#wakeWords.find((w) => w.length <= words.length && w.every((x, i) => words[i] === x));
    return wake?.length ?? 0;
  }

  /** The words after the wake phrase and the fillers before the command. */
  #command(text: string): string[] {
    const words = this.#wakeless(text);
    // Only leading fillers: a trailing word may be the command's own ("turn on the light and ...").
    return words.slice(leadingFillers(words, this.skipPhrases));
  }
}

/**
 * The intent, what it acts on and how: the words that pick the target (name, area, the
 * domain of "the lights in the bedroom") differ between sentences acting on the same devices.
 */
function meaningOf(intent: RecognizedIntent): string {
  const { name: _name, area: _area, domain: _domain, ...slots } = intent.slots;
  return JSON.stringify([intent.intent, intent.targets, slots]);
}
