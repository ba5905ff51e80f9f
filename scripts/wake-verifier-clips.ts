// Who says what in the wake verifiers' training (scripts/wake-verifier-data.ts runs these over
// every voice and writes the shares): the training voices, none of them the benchmark's (checked),
// and what each says: "hey jarvis" + a command after a pause and in one breath, the near-misses,
// "Jarvis" inside sentences, and read prose. Each clip is handed to `add` in each condition
// `mixes` makes of it; the seeds depend only on the voice's and phrase's index, so appending a
// phrase or a voice leaves every earlier clip as it was.

import { concat, say, zeros } from "./make-hearing-fixtures.js";
import {
  IN_SENTENCE as BENCH_IN_SENTENCE,
  FIXTURE_IN_SENTENCE,
  lastLoud,
  NEAR_MISSES,
  wakeSpeed,
} from "./make-wake-fixtures.js";
import { phraseEndInBreath } from "./phrase-end.js";
import { type BabbleMix, notHeldOut } from "./wake-verifier-babble.js";

/** Training voices: none is one of the benchmark's seven (make-hearing-fixtures.ts VOICES). */
export const TRAIN_VOICES = [
  { id: "en-gb-x-gbclan", voice: "en-gb-x-gbclan", speed: 140 },
  { id: "en-gb-x-gbcwmd-f2", voice: "en-gb-x-gbcwmd+f2", speed: 150 },
  { id: "en-gb-f4", voice: "en-gb+f4", speed: 135 },
  { id: "en-us-m2", voice: "en-us+m2", speed: 145 },
  { id: "en-us-m6", voice: "en-us+m6", speed: 160 },
  { id: "en-gb-x-rp-m1", voice: "en-gb-x-rp+m1", speed: 150 },
  { id: "en-gb-scotland-f5", voice: "en-gb-scotland+f5", speed: 130 },
  { id: "en-gb-m7", voice: "en-gb+m7", speed: 155 },
  { id: "en-us-f1", voice: "en-us+f1", speed: 140 },
  { id: "en-gb-x-gbclan-f3", voice: "en-gb-x-gbclan+f3", speed: 125 },
  // Session 8: six more, for more speakers of the near-misses.
  { id: "en-gb-x-gbcwmd-m5", voice: "en-gb-x-gbcwmd+m5", speed: 145 },
  { id: "en-us-f2", voice: "en-us+f2", speed: 138 },
  { id: "en-gb-x-rp-f5", voice: "en-gb-x-rp+f5", speed: 150 },
  { id: "en-gb-m1", voice: "en-gb+m1", speed: 142 },
  { id: "en-us-m5", voice: "en-us+m5", speed: 135 },
  { id: "en-gb-scotland-m6", voice: "en-gb-scotland+m6", speed: 150 },
];

/**
 * Session 40, `--more-voices`: eight more variants of the training accents for the mel verifier
 * (its one-breath misses in babble were en-us+f3 and en-gb-x-rp+f3: few such voices trained).
 * None is a benchmark voice or babble talker, and none has its held-out accents (en-029,
 * en-us-nyc), so the benchmark still judges voices and accents training never heard.
 */
export const MORE_TRAIN_VOICES = [
  { id: "en-us-belinda", voice: "en-us+belinda", speed: 145 },
  { id: "en-gb-x-rp-f2", voice: "en-gb-x-rp+f2", speed: 140 },
  { id: "en-gb-f3", voice: "en-gb+f3", speed: 150 },
  { id: "en-gb-scotland-f1", voice: "en-gb-scotland+f1", speed: 140 },
  { id: "en-us-linda", voice: "en-us+linda", speed: 150 },
  { id: "en-gb-x-gbclan-m2", voice: "en-gb-x-gbclan+m2", speed: 140 },
  { id: "en-gb-x-gbcwmd-f1", voice: "en-gb-x-gbcwmd+f1", speed: 135 },
  { id: "en-us-m1", voice: "en-us+m1", speed: 155 },
];

/** Other commands than the benchmark's five. */
const COMMANDS = [
  "turn off the lights",
  "what is the weather like",
  "play some music",
  "set the lamp to fifty percent",
  "cancel the timer",
  "",
];

/** The benchmark's near-misses (the brief names them) and more of the kind. */
const MORE_NEAR_MISSES = [
  "hey harvey open the window",
  "hey darling come here",
  "hey charles stop the music",
  "hey davis turn it off",
  "hey jordan what is the weather",
  "hey garcia lock the door",
  "hey travis",
  "hey charlie",
];

/**
 * Session 43, `--in-sentence`: "Jarvis" said inside a sentence, not after "hey". The embedding
 * verifier read on its own woke on "I told Jarvis about the meeting" (session 39): no training
 * clip had the name without the phrase. None of these is a sentence the benchmark's near-misses
 * or the tests' fixture say (make-wake-fixtures.ts IN_SENTENCE, scripts/make-fixtures.sh).
 */
export const IN_SENTENCE = [
  "ask jarvis to play a song",
  "did jarvis turn off the lights",
  "we call him jarvis at work",
  "thank you jarvis that is all",
  "they gave jarvis the keys",
  "the jarvis system is offline",
  "please tell jarvis the news",
  "play jarvis a song",
];

export interface TrainVoice {
  id: string;
  voice: string;
  speed: number;
}

/** What a share records of each clip besides its audio (TrainClip without the rows). */
export interface ClipInfo {
  voice: string;
  kind: "wake" | "near-miss" | "prose";
  condition: string;
  text: string;
  wakeEndSample: number | null;
  oneBreath?: true;
  mix?: BabbleMix;
}

/** One condition of a clean clip: noise or babble added, or reverberant. */
export type Mix = { condition: string; samples: Int16Array; mix?: BabbleMix };

/** What the clip makers need of the share being written. */
export interface ClipSink {
  add(samples: Int16Array, clip: ClipInfo): Promise<void>;
  /** The conditions of one clean clip, drawn with `seed`. */
  mixes(clean: Int16Array, seed: number): Mix[];
}

/** "hey jarvis" + each command: after a pause, and (with a command) in one breath. */
export async function addWakeClips(sink: ClipSink, voice: TrainVoice, v: number): Promise<void> {
  for (const [c, command] of COMMANDS.entries()) {
    const speed = wakeSpeed(voice.speed + c * 6 - 15) - 5 + ((v + c) % 3) * 5;
    const wakeAudio = say(voice.voice, speed, "hey jarvis");
    const lead = zeros(0.6);
    const rest = command ? say(voice.voice, voice.speed, command) : new Int16Array(0);
    const clean = concat(lead, wakeAudio, zeros(0.25), rest, zeros(1));
    const wakeEndSample = lead.length + lastLoud(wakeAudio);
    const text = `hey jarvis ${command}`.trim();
    const addWake = async (audio: Int16Array, seed: number, phraseEnd: number, oneBreath: boolean) => {
      for (const { condition, samples, mix } of sink.mixes(audio, seed))
        await sink.add(samples, {
          voice: voice.id,
          kind: "wake",
          condition,
          text,
          wakeEndSample: phraseEnd,
          ...(oneBreath ? { oneBreath: true as const } : {}),
          ...(mix ? { mix } : {}),
        });
    };
    await addWake(clean, 7000 + v * 101 + c * 7, wakeEndSample, false);
    if (!command) continue;
    // Session 23: the command run on from the wake phrase, as people say it. Without these the
    // net never met the phrase's end followed by speech, and turned away one-breath wakes of
    // voices the single threshold takes (docs/listening.md, session 22). Since session 41 the
    // phrase's end is found in the run-on words (scripts/phrase-end.ts), not taken from the
    // phrase said alone, which ends ~140 ms later.
    const spoken = say(voice.voice, speed, `hey jarvis ${command}`);
    const breathEnd = lead.length + phraseEndInBreath(wakeAudio, lastLoud(wakeAudio), spoken);
    await addWake(concat(lead, spoken, zeros(1)), 17000 + v * 101 + c * 7, breathEnd, true);
  }
}

/**
 * Near-misses in every condition: the benchmark's phrases and MORE_NEAR_MISSES, or with
 * `inSentence` the IN_SENTENCE phrases (seeds of their own).
 */
export async function addNearMisses(
  sink: ClipSink,
  voice: TrainVoice,
  v: number,
  inSentence = false,
): Promise<void> {
  const phrases = inSentence ? IN_SENTENCE : [...NEAR_MISSES, ...MORE_NEAR_MISSES];
  const seedBase = inSentence ? 29_000 : 9000;
  for (const [p, phrase] of phrases.entries()) {
    const clean = concat(
      zeros(0.5),
      say(voice.voice, wakeSpeed(voice.speed - 10 + (p % 3) * 10), phrase),
      zeros(1),
    );
    for (const { condition, samples, mix } of sink.mixes(clean, seedBase + v * 101 + p * 7))
      await sink.add(samples, {
        voice: voice.id,
        kind: "near-miss",
        condition,
        text: phrase,
        wakeEndSample: null,
        ...(mix ? { mix } : {}),
      });
  }
}

/** A passage of the training prose (250 words from the voice's own place in it), clean. */
export async function addProse(sink: ClipSink, voice: TrainVoice, v: number, words: string[]): Promise<void> {
  const passage = words.slice(v * 250, v * 250 + 250).join(" ");
  await sink.add(say(voice.voice, voice.speed, passage), {
    voice: voice.id,
    kind: "prose",
    condition: "clean",
    text: "prose",
    wakeEndSample: null,
  });
}

/** Lower case, letters only, padded with a space either side so a match takes whole words. */
const plainWords = (s: string) =>
  ` ${s
    .toLowerCase()
    .replace(/[^a-z ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()} `;

/**
 * The training sentences that a judged one contains or is contained in (lower case, punctuation
 * dropped): the benchmark and the tests must hear sentences training never did.
 */
export function sentencesNotHeldOut(train: readonly string[], judged: readonly string[]): string[] {
  return train.filter((t) =>
    judged.some((j) => plainWords(j).includes(plainWords(t)) || plainWords(t).includes(plainWords(j))),
  );
}

/** Throws when a training sentence is one the benchmark or the tests' fixture says. */
export function checkSentencesHeldOut(): void {
  const heard = sentencesNotHeldOut(IN_SENTENCE, [...BENCH_IN_SENTENCE, FIXTURE_IN_SENTENCE]);
  if (heard.length > 0) throw new Error(`sentences not held out: ${heard.join(", ")}`);
}

/** Throws when an extra training voice is a benchmark voice, a babble talker or a held-out accent. */
export function checkVoicesHeldOut(extra: readonly string[]): void {
  const clash = notHeldOut(
    extra,
    TRAIN_VOICES.map((v) => v.voice),
  );
  if (clash.length > 0) throw new Error(`training voices not held out: ${clash.join(", ")}`);
}
