import { describe, expect, it } from "vitest";
import { configSchema } from "../../../src/config/schema.js";
import {
  type EndpointEvent,
  Endpointer,
  type EndpointerSettings,
  endpointerSettings,
} from "../../../src/vad/endpointer.js";

/** Silero's window: 512 samples at 16 kHz. */
const WINDOW = 0.032;

const BASE: EndpointerSettings = {
  startThreshold: 0.5,
  endThreshold: 0.35,
  noSpeechTimeoutSeconds: 5,
  trailingSilenceSeconds: 0.7,
  maxCommandSeconds: 15,
  minSpeechSeconds: 0.15,
};

/** Segments of [windows, probability], fed one window at a time; returns every event with rounded times. */
function run(segments: Array<[number, number]>, overrides: Partial<EndpointerSettings> = {}) {
  const endpointer = new Endpointer({ ...BASE, ...overrides });
  const events: EndpointEvent[] = [];
  let n = 0;
  for (const [windows, p] of segments) {
    for (let i = 0; i < windows; i++) {
      n++;
      for (const e of endpointer.feed(n * WINDOW, p)) events.push({ ...e, seconds: round(e.seconds) });
    }
  }
  return events;
}

const round = (s: number) => Math.round(s * 1000) / 1000;
const at = (windows: number) => round(windows * WINDOW);

interface Case {
  name: string;
  segments: Array<[number, number]>;
  settings?: Partial<EndpointerSettings>;
  expected: EndpointEvent[];
}

const cases: Case[] = [
  {
    name: "the wake phrase's tail (speech from the first window, shorter than wakeTailSeconds) is not the command",
    segments: [
      [6, 0.9],
      [20, 0.02],
      [30, 0.9],
      [30, 0.02],
    ],
    settings: { wakeTailSeconds: 0.3 },
    expected: [
      { type: "speech-start", seconds: at(26) },
      { type: "silence-start", seconds: at(56) },
      { type: "end", seconds: at(56), reason: "silence" },
    ],
  },
  {
    name: "... without wakeTailSeconds the same tail is the command, ended by the pause",
    segments: [
      [6, 0.9],
      [30, 0.02],
      [30, 0.9],
    ],
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(6) },
      { type: "end", seconds: at(6), reason: "silence" },
    ],
  },
  {
    name: "speech from the first window that goes on (said in one breath) is the command, dated from the start",
    segments: [
      [25, 0.9],
      [30, 0.02],
    ],
    settings: { wakeTailSeconds: 0.3 },
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(25) },
      { type: "end", seconds: at(25), reason: "silence" },
    ],
  },
  {
    name: "speech then trailing silence ends the command where speech stopped",
    segments: [
      [10, 0.05],
      [40, 0.9],
      [40, 0.02],
    ],
    expected: [
      { type: "speech-start", seconds: at(10) },
      { type: "silence-start", seconds: at(50) },
      // 0.7 s of silence = 22 windows (21.875 rounded up); the end is where speech stopped.
      { type: "end", seconds: at(50), reason: "silence" },
    ],
  },
  {
    name: "nothing but silence ends as no-speech at the timeout",
    segments: [[300, 0.01]],
    expected: [{ type: "no-speech", seconds: at(157) }],
  },
  {
    name: "a pause shorter than the trailing silence is bridged (speech resumes)",
    segments: [
      [5, 0],
      [30, 0.95],
      [12, 0.1],
      [30, 0.95],
      [40, 0.1],
    ],
    expected: [
      { type: "speech-start", seconds: at(5) },
      { type: "silence-start", seconds: at(35) },
      { type: "speech-resume", seconds: at(47) },
      { type: "silence-start", seconds: at(77) },
      { type: "end", seconds: at(77), reason: "silence" },
    ],
  },
  {
    name: "a click shorter than minSpeechSeconds is ignored before speech",
    segments: [
      [5, 0],
      [3, 0.99],
      [20, 0],
      [10, 0.8],
      [30, 0],
    ],
    expected: [
      { type: "speech-start", seconds: at(28) },
      { type: "silence-start", seconds: at(38) },
      { type: "end", seconds: at(38), reason: "silence" },
    ],
  },
  {
    name: "a click during trailing silence neither resumes speech nor delays the end",
    segments: [
      [20, 0.9],
      [8, 0],
      [2, 0.9],
      [30, 0],
    ],
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(20) },
      { type: "end", seconds: at(20), reason: "silence" },
    ],
  },
  {
    name: "hysteresis: probabilities between the thresholds keep speech going",
    segments: [
      [10, 0.9],
      [40, 0.4],
      [30, 0.1],
    ],
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(50) },
      { type: "end", seconds: at(50), reason: "silence" },
    ],
  },
  {
    name: "hysteresis: probabilities between the thresholds never start speech",
    segments: [[200, 0.45]],
    expected: [{ type: "no-speech", seconds: at(157) }],
  },
  {
    name: "hysteresis: between the thresholds does not resume speech in trailing silence",
    segments: [
      [10, 0.9],
      [30, 0.4],
    ],
    settings: { endThreshold: 0.45 },
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(10) },
      { type: "end", seconds: at(10), reason: "silence" },
    ],
  },
  {
    name: "endless speech is cut at maxCommandSeconds after it began",
    segments: [
      [10, 0],
      [200, 0.9],
    ],
    settings: { maxCommandSeconds: 3 },
    // speech began at 0.32 s; 3 s later, at the first window end at or after 3.32 s.
    expected: [
      { type: "speech-start", seconds: at(10) },
      { type: "end", seconds: at(104), reason: "max-length" },
    ],
  },
  {
    name: "speech confirmed just after the no-speech timeout still counts when it began before it",
    segments: [
      [155, 0],
      [10, 0.9],
      [30, 0],
    ],
    expected: [
      { type: "speech-start", seconds: at(155) },
      { type: "silence-start", seconds: at(165) },
      { type: "end", seconds: at(165), reason: "silence" },
    ],
  },
  {
    name: "minSpeechSeconds 0 confirms speech on its first window",
    segments: [
      [3, 0],
      [1, 0.9],
      [30, 0],
    ],
    settings: { minSpeechSeconds: 0 },
    expected: [
      { type: "speech-start", seconds: at(3) },
      { type: "silence-start", seconds: at(4) },
      { type: "end", seconds: at(4), reason: "silence" },
    ],
  },
  {
    name: "a shorter trailing silence ends sooner",
    segments: [
      [10, 0.9],
      [30, 0],
    ],
    settings: { trailingSilenceSeconds: 0.3 },
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(10) },
      { type: "end", seconds: at(10), reason: "silence" },
    ],
  },
  {
    name: "a dip shorter than minSpeechSeconds inside speech (a stop consonant) is not a pause",
    segments: [
      [10, 0.9],
      [1, 0.2],
      [2, 0.9],
      [1, 0.1],
      [10, 0.9],
      [30, 0],
    ],
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(24) },
      { type: "end", seconds: at(24), reason: "silence" },
    ],
  },
  {
    name: "threshold edges: p equal to startThreshold starts, p equal to endThreshold is not silence",
    segments: [
      [10, 0.5],
      [10, 0.35],
      [25, 0.349],
    ],
    expected: [
      { type: "speech-start", seconds: 0 },
      { type: "silence-start", seconds: at(20) },
      { type: "end", seconds: at(20), reason: "silence" },
    ],
  },
];

describe("Endpointer", () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(run(c.segments, c.settings)).toEqual(c.expected);
    });
  }

  it("fires the end exactly when the trailing silence has lasted trailingSilenceSeconds", () => {
    const endpointer = new Endpointer({ ...BASE, minSpeechSeconds: 0, trailingSilenceSeconds: 0.5 });
    expect(endpointer.feed(0.1, 0.9)).toEqual([{ type: "speech-start", seconds: 0 }]);
    expect(endpointer.feed(0.2, 0)).toEqual([{ type: "silence-start", seconds: 0.1 }]);
    expect(endpointer.feed(0.5, 0)).toEqual([]);
    expect(endpointer.feed(0.6, 0)).toEqual([{ type: "end", seconds: 0.1, reason: "silence" }]);
  });

  it("tells where a pause began from its first silent window, before it is announced", () => {
    const endpointer = new Endpointer({ ...BASE, minSpeechSeconds: 0.2, trailingSilenceSeconds: 0.5 });
    expect(endpointer.pauseStart()).toBeNull();
    endpointer.feed(0.3, 0.9);
    expect(endpointer.pauseStart()).toBeNull();
    // A dip inside a word: a pause for one window, never announced, then speech again.
    expect(endpointer.feed(0.4, 0.1)).toEqual([]);
    expect(endpointer.pauseStart()).toBe(0.3);
    expect(endpointer.feed(0.5, 0.9)).toEqual([]);
    expect(endpointer.pauseStart()).toBe(0.3); // speech again, not yet confirmed
    expect(endpointer.feed(0.7, 0.9)).toEqual([]);
    expect(endpointer.pauseStart()).toBeNull();
    // The real end: the pause is known a window in, silence-start 0.2 s later, same date.
    expect(endpointer.feed(0.8, 0.1)).toEqual([]);
    expect(endpointer.pauseStart()).toBe(0.7);
    expect(endpointer.feed(1.0, 0.1)).toEqual([{ type: "silence-start", seconds: 0.7 }]);
    expect(endpointer.pauseStart()).toBe(0.7);
    expect(endpointer.feed(1.2, 0.1)).toEqual([{ type: "end", seconds: 0.7, reason: "silence" }]);
    expect(endpointer.pauseStart()).toBeNull();
  });

  it("announces silence once it has lasted minSpeechSeconds, dated to when it began", () => {
    const endpointer = new Endpointer({ ...BASE, minSpeechSeconds: 0.2, trailingSilenceSeconds: 0.5 });
    expect(endpointer.feed(0.3, 0.9)).toEqual([{ type: "speech-start", seconds: 0 }]);
    expect(endpointer.feed(0.4, 0.1)).toEqual([]);
    expect(endpointer.feed(0.5, 0.1)).toEqual([{ type: "silence-start", seconds: 0.3 }]);
    expect(endpointer.feed(0.7, 0.1)).toEqual([]);
    expect(endpointer.feed(0.8, 0.1)).toEqual([{ type: "end", seconds: 0.3, reason: "silence" }]);
  });

  it("returns nothing after the end", () => {
    const endpointer = new Endpointer({ ...BASE, noSpeechTimeoutSeconds: 1 });
    expect(endpointer.feed(1, 0)).toEqual([{ type: "no-speech", seconds: 1 }]);
    expect(endpointer.feed(1.1, 0.99)).toEqual([]);
    expect(endpointer.feed(5, 0)).toEqual([]);
  });

  it("takes its settings from the vad config section", () => {
    const config = configSchema.parse({ vad: { end_threshold: 0.3, trailing_silence_seconds: 1.2 } });
    expect(endpointerSettings(config.vad)).toEqual({
      startThreshold: 0.5,
      endThreshold: 0.3,
      noSpeechTimeoutSeconds: 5,
      trailingSilenceSeconds: 1.2,
      earlyEndSeconds: 0.3,
      maxCommandSeconds: 15,
      minSpeechSeconds: 0.15,
      wakeTailSeconds: 0.3,
    });
  });

  it("treats an end threshold above the start threshold as equal to it", () => {
    const config = configSchema.parse({ vad: { start_threshold: 0.4, end_threshold: 0.6 } });
    expect(endpointerSettings(config.vad).endThreshold).toBe(0.4);
  });
});

describe("Endpointer early end (a command heard whole)", () => {
  const settings = { ...BASE, minSpeechSeconds: 0, trailingSilenceSeconds: 0.7, earlyEndSeconds: 0.3 };

  it("ends after earlyEndSeconds once the words were marked complete", () => {
    const endpointer = new Endpointer(settings);
    expect(endpointer.feed(0.1, 0.9)).toEqual([{ type: "speech-start", seconds: 0 }]);
    expect(endpointer.feed(0.2, 0)).toEqual([{ type: "silence-start", seconds: 0.1 }]);
    endpointer.markComplete();
    expect(endpointer.feed(0.3, 0)).toEqual([]);
    expect(endpointer.feed(0.4, 0)).toEqual([{ type: "end", seconds: 0.1, reason: "complete" }]);
  });

  it("ends at the mark itself when the silence fed so far already lasted earlyEndSeconds", () => {
    const endpointer = new Endpointer(settings);
    endpointer.feed(0.1, 0.9);
    endpointer.feed(0.2, 0);
    expect(endpointer.feed(0.5, 0)).toEqual([]);
    expect(endpointer.markComplete()).toEqual([{ type: "end", seconds: 0.1, reason: "complete" }]);
    expect(endpointer.feed(0.532, 0)).toEqual([]);
  });

  it("a mark before earlyEndSeconds of silence ends nothing yet; a window after it does", () => {
    const endpointer = new Endpointer(settings);
    endpointer.feed(0.1, 0.9);
    endpointer.feed(0.2, 0);
    expect(endpointer.feed(0.399, 0)).toEqual([]);
    expect(endpointer.markComplete()).toEqual([]);
    expect(endpointer.feed(0.4, 0)).toEqual([{ type: "end", seconds: 0.1, reason: "complete" }]);
  });

  it("a rise not yet confirmed as speech holds the end at the mark", () => {
    const endpointer = new Endpointer({ ...settings, minSpeechSeconds: 0.1 });
    endpointer.feed(0.1, 0.9);
    endpointer.feed(0.2, 0.9);
    expect(endpointer.feed(0.3, 0)).toEqual([{ type: "silence-start", seconds: 0.2 }]);
    expect(endpointer.feed(0.5, 0)).toEqual([]);
    expect(endpointer.feed(0.55, 0.9)).toEqual([]); // a candidate: speech again, or a click?
    expect(endpointer.markComplete()).toEqual([]);
    expect(endpointer.feed(0.6, 0)).toEqual([{ type: "end", seconds: 0.2, reason: "complete" }]);
  });

  it("forgets the mark when speech resumes (a pause inside the command)", () => {
    const endpointer = new Endpointer(settings);
    endpointer.feed(0.1, 0.9);
    endpointer.feed(0.2, 0);
    endpointer.markComplete();
    expect(endpointer.feed(0.3, 0.9)).toEqual([{ type: "speech-resume", seconds: 0.2 }]);
    expect(endpointer.feed(0.4, 0)).toEqual([{ type: "silence-start", seconds: 0.3 }]);
    expect(endpointer.feed(0.7, 0)).toEqual([]);
    expect(endpointer.feed(1.0, 0)).toEqual([{ type: "end", seconds: 0.3, reason: "silence" }]);
  });

  it("waits the whole trailing silence without a mark, or when early ending is off", () => {
    for (const s of [settings, { ...settings, earlyEndSeconds: null }]) {
      const endpointer = new Endpointer(s);
      endpointer.feed(0.1, 0.9);
      endpointer.feed(0.2, 0);
      if (s.earlyEndSeconds === null) endpointer.markComplete();
      expect(endpointer.feed(0.6, 0)).toEqual([]);
      expect(endpointer.feed(0.8, 0)).toEqual([{ type: "end", seconds: 0.1, reason: "silence" }]);
    }
  });

  it("ignores a mark outside a silence", () => {
    const endpointer = new Endpointer(settings);
    endpointer.feed(0.1, 0.9);
    endpointer.markComplete();
    endpointer.feed(0.2, 0);
    expect(endpointer.feed(0.6, 0)).toEqual([]);
  });
});

describe("Endpointer awaiting speech again (a wake phrase opened a reply)", () => {
  /** Feeds `windows` windows of probability `p` from window `from` on; returns the events with window numbers. */
  const feed = (endpointer: Endpointer, from: number, windows: number, p: number) => {
    const out: Array<[string, number]> = [];
    for (let n = from + 1; n <= from + windows; n++) {
      for (const e of endpointer.feed(n * WINDOW, p)) out.push([e.type, round(e.seconds)]);
    }
    return out;
  };

  it("a pause after the phrase as long as the trailing silence no longer ends the command", () => {
    const endpointer = new Endpointer(BASE);
    // The phrase: 25 windows (0.8 s) of speech, then 10 windows of pause.
    expect(feed(endpointer, 0, 25, 0.9)).toEqual([["speech-start", 0]]);
    feed(endpointer, 25, 10, 0);
    endpointer.awaitSpeechAgain();
    // 20 more windows of pause: without the reset the trailing silence (0.7 s) had ended it.
    expect(feed(endpointer, 35, 20, 0)).toEqual([]);
    // The command: speech again, then its own trailing silence ends it.
    expect(feed(endpointer, 55, 30, 0.9)).toEqual([["speech-start", at(55)]]);
    expect(feed(endpointer, 85, 25, 0)).toEqual([
      ["silence-start", at(85)],
      ["end", at(85)],
    ]);
    // The same feed without the reset ends at the pause after the phrase.
    const plain = new Endpointer(BASE);
    feed(plain, 0, 25, 0.9);
    expect(feed(plain, 25, 30, 0)).toContainEqual(["end", at(25)]);
  });

  it("counts the no-speech timeout from there, and holds a rise already under way to wakeTailSeconds", () => {
    const endpointer = new Endpointer({ ...BASE, noSpeechTimeoutSeconds: 1, wakeTailSeconds: 0.3 });
    feed(endpointer, 0, 25, 0.9);
    endpointer.awaitSpeechAgain();
    // The phrase's tail: 5 windows (0.16 s) more, then quiet: not the command's speech.
    expect(feed(endpointer, 25, 5, 0.9)).toEqual([]);
    // The timeout counts from the reset (window 25), not from the run's start.
    expect(feed(endpointer, 30, 25, 0)).toEqual([]);
    expect(feed(endpointer, 55, 2, 0)).toEqual([["no-speech", at(57)]]);
  });

  it("is ignored once the command has ended", () => {
    const endpointer = new Endpointer(BASE);
    feed(endpointer, 0, 10, 0.9);
    feed(endpointer, 10, 30, 0);
    endpointer.awaitSpeechAgain();
    expect(feed(endpointer, 40, 10, 0.9)).toEqual([]);
  });
});
