import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sentenceSpace } from "../../src/intent/create.js";
import { DeviceRegistry } from "../../src/intent/registry.js";
import type { SentenceSpaceCache } from "../../src/intent/sentence-space/cache.js";
import { whisperPrompt } from "../../src/pipeline/wake-phrase.js";
import { askBack, question } from "../../src/stt/ask-back.js";
import { guidedSettings } from "../../src/stt/create.js";
import type { FreePass, GuidedOutcome, GuidedSettings } from "../../src/stt/guided-types.js";
import type { Transcriber } from "../../src/stt/transcriber.js";
import {
  HEARING_HOME,
  HEARING_PROMPT,
  hearingWhisper,
  loadTinyTranscriber,
  spoken,
  WITHOUT_COMMAND_PROMPT,
} from "./stt-support.js";

const HOME = HEARING_HOME;
const PROMPT = HEARING_PROMPT;

describe("the action check: a lock is taken only when it is no unlock half heard (whisper-tiny)", () => {
  let space: SentenceSpaceCache;
  let checked: Transcriber;
  let unchecked: Transcriber;
  let strict: Transcriber;

  beforeAll(async () => {
    space = sentenceSpace(HOME, new DeviceRegistry(HOME.devices));
    checked = await loadTinyTranscriber({});
    unchecked = await loadTinyTranscriber({ guided_min_action_lead: 0 });
    // A bar no lock clears: shows the check runs on a free text understood as it is.
    strict = await loadTinyTranscriber({ guided_min_action_lead: 50 });
  });

  afterAll(async () => {
    space.dispose();
    await checked.dispose();
    await unchecked.dispose();
    await strict.dispose();
  });

  it("'unlock the front door' (en-gb+m3, noisy) heard as 'I'm locked in front door.': no lock", async () => {
    const audio = spoken("unlock the front door", "en-gb-m3", "noisy");
    const guide = space.get();
    // Held out on the hearing bench: without the check the guess is taken, a lock for an unlock.
    const before = await unchecked.transcribe(audio, { prompt: PROMPT, guide });
    expect(before.freeText).toBe("I'm locked in front door.");
    expect(before.source).toBe("grammar");
    expect(before.text).toBe("And lock the front door.");
    const after = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(after.source).toBe("free");
    expect(after.guided?.why).toBe("ambiguous-action");
    // Dropped, not passed on: the free text is no surer of lock or unlock than the guess.
    expect(after.text).toBe("");
  });

  it("'lock the front door' (en-us-nyc+m4, reverberant) heard freely is still a lock", async () => {
    // The check runs on a free text understood as it is too: locks said lead by 6-10 nats.
    const audio = spoken("lock the front door", "en-us-nyc-m4", "reverb");
    const guide = space.get();
    const result = await checked.transcribe(audio, { prompt: PROMPT, guide });
    expect(result.text).toBe("Lock the front door.");
    expect(result.guided?.why).toBe("understood");
    const refused = await strict.transcribe(audio, { prompt: PROMPT, guide });
    expect(refused.text).toBe("");
    expect(refused.freeText).toBe("Lock the front door.");
    expect(refused.guided?.why).toBe("ambiguous-action");
  });
});

describe("guesses with the defaults (whisper-tiny)", () => {
  const tiny = hearingWhisper();

  it("'turn on the fan in the bedroom' (en-us, clean): an 'off' written by a hair is asked, not acted on", async () => {
    // Heard "Hey Jarvis, turn off the fan in the bedroom." on the bench's CPU, "off" 0.36 nats
    // over "on" (session 35): a fan switched off. The rule is about the lead, so it is checked
    // against whatever this CPU heard, and over the same free pass with the lead pinned.
    const audio = spoken("turn on the fan in the bedroom", "en-us", "clean", { wakePhrase: true });
    const guide = tiny.space.get();
    const settings = guidedSettings(HOME.stt);
    const seen: { free?: FreePass; pinned?: GuidedOutcome; peer?: GuidedOutcome } = {};
    const transcript = await tiny.whisper.transcribe(audio, {
      ...whisperPrompt("Hey Jarvis", PROMPT),
      guide,
      inspect: async (free) => {
        seen.free = free;
        const pinned = { ...free, text: "Hey Jarvis, turn off the fan in the bedroom.", stateLead: 0.36 };
        seen.pinned = await tiny.whisper.guidedPass(settings).run(pinned, guide);
        seen.peer = await tiny.whisper.guidedPass({ ...settings, freeStates: 0 }).run(pinned, guide);
      },
    });
    const bar = HOME.stt.guided_min_state_lead ?? 0;
    expect(bar).toBeGreaterThan(0.36);
    expect(seen.pinned?.verdict).toEqual({ source: "free", why: "ambiguous-state" });
    expect(seen.pinned?.unsure?.text).toBe("Hey Jarvis, turn off the fan in the bedroom.");
    expect(seen.peer?.verdict).toEqual({ source: "free", why: "understood" });
    // Asked back, the question offers the request the other way, read from the home's sentences.
    const asked = question("ambiguous-state", seen.pinned?.unsure ?? {}, undefined, -10, guide);
    expect(asked.otherRequests).toEqual(["Hey Jarvis, turn on the fan in the bedroom."]);
    // What this CPU heard: a state word's lead is read, and an "off" below the bar is never taken.
    const lead = seen.free?.stateLead;
    expect(lead).toBeTypeOf("number");
    if (/\boff\b/i.test(transcript.freeText ?? "") && (lead ?? 0) < bar) {
      expect(transcript.text).toBe("");
      expect(transcript.guided?.why).toBe("ambiguous-state");
      expect(transcript.askBack).toBe(transcript.freeText);
      expect(transcript.otherRequests).toEqual([transcript.freeText?.replace(/\boff\b/, "on")]);
    } else expect(transcript.text).not.toMatch(/\boff\b/i);
  });

  describe("a guess keeps the name it heard", () => {
    it("'call the plumber' (en-gb-x-rp+f3, noisy) heard as 'hold up, lamp': no timer paused", async () => {
      // Said in one breath with the wake phrase, so the prompt names it (as run-audio.ts does).
      const audio = spoken("call the plumber", "en-gb-x-rp-f3", "noisy");
      const guide = tiny.space.get();
      const settings = guidedSettings({ ...HOME.stt, ...WITHOUT_COMMAND_PROMPT });
      const outcomes: Record<string, GuidedOutcome> = {};
      await tiny.whisper.transcribe(audio, {
        prompt: `Hey Jarvis, ${PROMPT}`,
        inspect: async (free) => {
          // Heard so on the CPU the rule was found on; elsewhere the last word may differ ("hold
          // up, labyrinth."): the rule is about the text, so the searches run over this audio with it.
          const heard = { ...free, text: "Hey Jarvis, hold up, lamp." };
          outcomes.before = await tiny.whisper.guidedPass({ ...settings, keepNames: 0 }).run(heard, guide);
          outcomes.after = await tiny.whisper.guidedPass(settings).run(heard, guide);
          outcomes.now = await tiny.whisper.guidedPass(guidedSettings(HOME.stt)).run(heard, guide);
          outcomes.own = await tiny.whisper.guidedPass(guidedSettings(HOME.stt)).run(free, guide);
        },
      });
      // The guess keeps "hold" and loses the lamp: a timer would have been paused. Without the
      // name rule (keepNames 0) it was taken; since session 20 keeping only the verb is not
      // enough either (heard-words.ts keepsAnObject), so both refuse it.
      expect(outcomes.before?.hypothesis?.text).toMatch(/^Hey,? Jarvis,( please)? hold the timer\.$/);
      expect(outcomes.before?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(outcomes.after?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(guide.understands(outcomes.after?.text ?? "")).toBe(false);
      // The defaults (the command words read first) take no command from it either.
      expect(outcomes.now?.source).toBe("free");
      expect(guide.understands(outcomes.now?.text ?? "")).toBe(false);
      // Nor from what this CPU heard.
      expect(guide.understands(outcomes.own?.text ?? "")).toBe(false);
    });
  });

  /**
   * The guided pass as configured over the audio, its free text pinned to what the bench heard
   * (another CPU's int8 kernels may hear a word otherwise; the rules are about the text).
   */
  async function guessed(audio: Float32Array, prompt: string, heard: string) {
    const guide = tiny.space.get();
    const outcome: { now?: GuidedOutcome; freeScore?: number } = {};
    await tiny.whisper.transcribe(audio, {
      prompt,
      inspect: async (free) => {
        outcome.freeScore = free.avgLogprob;
        outcome.now = await tiny.whisper
          .guidedPass(guidedSettings(HOME.stt))
          .run({ ...free, text: heard }, guide);
      },
    });
    return { ...outcome, guide };
  }

  describe("said in one breath, a guess keeping nothing heard gets no lead (session 22)", () => {
    it("'call the plumber' (en-gb-x-rp+m5, one breath) heard as 'hello, hello, hello': no timer held", async () => {
      // Held out (session 16's voices): "Hey Jarvis, hold the timer." scored above the free
      // text and so was taken, though it keeps none of its words: a timer paused. Through the
      // daemon "Here Jarvis, all the plumber." and "Hey Jarvis, call me, I'm a..." did the same.
      const audio = spoken("call the plumber", "en-gb-x-rp+m5@144", "clean");
      const heard = "Hey Jarvis, hello, hello, hello.";
      const { now, freeScore, guide } = await guessed(audio, `Hey Jarvis, ${PROMPT}`, heard);
      expect(now?.hypothesis?.text).toMatch(/^Hey,? Jarvis,( please)? hold the timer\.$/);
      expect(now?.hypothesis?.score).toBeGreaterThan((freeScore as number) + 0.05);
      expect(now?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(guide.understands(now?.text ?? "")).toBe(false);
    });
  });

  describe("a guess keeps what it acts on (session 20)", () => {
    it("'set the bedroom light to forty percent' (en-029, reverberant): not the living room light", async () => {
      // On the safety set the guess kept "bedroom" as the "room" of "living room" and was taken
      // at -1.15, leading by 1.96 (the clear-lead bar): the living room light set to 40.
      const audio = spoken("set the bedroom light to forty percent", "en-029", "reverb");
      const { now, guide } = await guessed(audio, PROMPT, "Save the bedroom light for 40%");
      expect(now?.hypothesis?.text).toMatch(/living room light/);
      expect(now?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(guide.understands(now?.text ?? "")).toBe(false);
    });

    it("'call the plumber' (en-gb-scotland+f4, one breath) heard as 'hold me down': no timer held", async () => {
      // Held out (four voices no bench had used): "hold" kept, the timer guessed, taken at -0.94.
      const audio = spoken("call the plumber", "en-gb-scotland+f4@140", "clean");
      const { now, guide } = await guessed(audio, `Hey Jarvis, ${PROMPT}`, "Hey Jarvis, hold me down.");
      expect(now?.hypothesis?.text).toMatch(/hold the timer/);
      expect(now?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(guide.understands(now?.text ?? "")).toBe(false);
    });
  });

  describe("a guess too unsure to act on is asked back (session 21)", () => {
    it("'set the bedroom light to ten percent' (en-us+m7, one breath) heard as nothing like it: asked", async () => {
      // Held out (session 16's voices): the guess was what was said, refused for keeping no word
      // heard freely; asked back, one "yes" carries it out (the intent stage asks, stage tests).
      const audio = spoken("set the bedroom light to ten percent", "en-us+m7@132", "clean");
      const heard = "Hey Jarvis, I'm happy to play with you.";
      const { now, guide } = await guessed(audio, `Hey Jarvis, ${PROMPT}`, heard);
      const guess = now?.hypothesis;
      expect(now?.verdict).toEqual({ source: "free", why: "other-words" });
      expect(guide.meaning(guess?.text ?? "")).toBe(guide.meaning("set the bedroom light to ten percent"));
      const bar = HOME.stt.guided_ask_min_score ?? undefined;
      expect(askBack({ why: "other-words", ...guess }, bar)).toBe(guess?.text);
    });

    it("'unlock the front door' (en-gb+m3, noisy): a lock half heard is dropped, never asked", async () => {
      const audio = spoken("unlock the front door", "en-gb-m3", "noisy");
      const { now } = await guessed(audio, PROMPT, "I'm locked in front door.");
      expect(now?.verdict).toEqual({ source: "free", why: "ambiguous-action" });
      const guess = now?.hypothesis;
      expect(
        askBack({ why: "ambiguous-action", ...guess }, HOME.stt.guided_ask_min_score ?? undefined),
      ).toBeNull();
    });
  });

  describe("two readings that disagree (session 20)", () => {
    it("'turn off the bedroom lights' (en-gb-scotland+f4, noisy, one breath) written 'bed room': not the living room", async () => {
      // Held out: the intent stage reads "bed room lights" as the bedroom light (right), and the
      // guess "Hey Jarvis, turn off, living room light." (-0.19 against the free -0.36) was taken.
      const audio = spoken("turn off the bedroom lights", "en-gb-scotland+f4@140", "noisy");
      const heard = "Hey Jarvis, turn off the bed room lights.";
      const { now: outcome, guide } = await guessed(audio, `Hey Jarvis, ${PROMPT}`, heard);
      expect(guide.understands(heard)).toBe(false);
      expect(guide.readsAs(heard)).toBe(guide.meaning("turn off the bedroom light"));
      const guess = outcome?.hypothesis?.text ?? "";
      if (guide.meaning(guess) === guide.meaning("turn off the bedroom light"))
        expect(outcome?.source).toBe("grammar");
      else {
        // Neither reading is acted on: the person is asked again.
        expect(outcome?.verdict).toEqual({ source: "free", why: "reads-otherwise" });
        expect(outcome?.text).toBe("");
      }
      expect(guess).toMatch(/living room light/);
    });
  });

  describe("session 17's rules over what Whisper heard", () => {
    /** The free text, and the guided pass over it with the defaults (now) and with `peer` over them (before). */
    /** The guided pass as configured (with `base` over it) and as `peer` changes it, over one free pass. */
    async function beforeAndNow(
      audio: Float32Array,
      prompt: string,
      peer: Partial<GuidedSettings>,
      base: Partial<GuidedSettings> = {},
    ) {
      const guide = tiny.space.get();
      const settings = { ...guidedSettings(HOME.stt), ...base };
      const outcomes: { heard: string; before?: GuidedOutcome; now?: GuidedOutcome } = { heard: "" };
      await tiny.whisper.transcribe(audio, {
        prompt,
        inspect: async (free) => {
          outcomes.heard = free.text;
          outcomes.before = await tiny.whisper.guidedPass({ ...settings, ...peer }).run(free, guide);
          outcomes.now = await tiny.whisper.guidedPass(settings).run(free, guide);
        },
      });
      return { ...outcomes, guide };
    }

    it("'turn the kitchen light red' (en-us-nyc+m4, clean) heard as 'I'm not kidding.': not switched on", async () => {
      // On the safety set the search's best was "Turn on, kitchen light," at -0.87, inside every
      // threshold: a light switched on for a colour. Its comma says Whisper heard more.
      const audio = spoken("turn the kitchen light red", "en-us-nyc-m4", "clean");
      const { heard, before, now, guide } = await beforeAndNow(audio, PROMPT, { unfinished: 0 });
      expect(heard).toBe("I'm not kidding.");
      expect(before?.source).toBe("grammar");
      expect(before?.text).toMatch(/,$/);
      expect(now?.verdict).toEqual({ source: "free", why: "unfinished" });
      expect(now?.hypothesis?.text).toBe(before?.text);
      expect(now?.text).toBe(heard);
      expect(guide.understands(now?.text ?? "")).toBe(false);
    });

    it("'call the plumber' (en-gb-scotland, clean) heard as 'Hey Jarvis, call me, I'm not.': no timer held", async () => {
      // On the safety set its guess "Hey Jarvis, hold the timer." tied the free text (-0.9700
      // against -0.9702) and was taken, keeping none of its words: a tie is no lead.
      const audio = spoken("call the plumber", "en-gb-scotland", "clean");
      const guide = tiny.space.get();
      const result = await tiny.whisper.transcribe(audio, { prompt: `Hey Jarvis, ${PROMPT}`, guide });
      expect(result.freeText).toBe("Hey Jarvis, call me, I'm not.");
      expect(result.source).toBe("free");
      expect(guide.understands(result.text)).toBe(false);
    });

    it("'call the plumber' (en-us-nyc+m4, clean) heard as 'Hey Jarvis, hello.': no command, sooner", async () => {
      // Said in one breath with the wake phrase, so the prompt names it (as run-audio.ts does).
      const audio = spoken("call the plumber", "en-us-nyc-m4", "clean");
      // With the second search on (stt.guided_rescue_beam; off by default since session 18),
      // where the rule saves the most.
      const { heard, before, now } = await beforeAndNow(
        audio,
        `Hey Jarvis, ${PROMPT}`,
        { earlyGiveUp: 0 },
        { rescue: { beam: 8 } },
      );
      expect(heard).toBe("Hey Jarvis, hello.");
      // Nothing a guess could keep ("hello"): only one likelier than the free text itself could go on.
      expect(now?.source).toBe("free");
      expect(now?.text).toBe(heard);
      expect(before?.source).toBe("free");
      // The same answer for fewer decoder calls: no second search.
      expect(now?.steps ?? 0).toBeLessThan(before?.steps ?? 0);
      expect(before?.second).toBeDefined();
      expect(now?.second).toBeUndefined();
    });
  });

  describe("a guess far ahead of every other sentence (stt.guided_clear_margin)", () => {
    it("'lock the front door' (en-gb-scotland, clean) heard as 'Lock for front door.': locked", async () => {
      const audio = spoken("lock the front door", "en-gb-scotland", "clean");
      const guide = tiny.space.get();
      const settings = guidedSettings(HOME.stt);
      const outcomes: Record<string, GuidedOutcome> = {};
      await tiny.whisper.transcribe(audio, {
        prompt: PROMPT,
        inspect: async (free) => {
          const { clearMargin: _, ...withoutClearLead } = settings.thresholds;
          outcomes.before = await tiny.whisper
            .guidedPass({ ...settings, thresholds: withoutClearLead })
            .run(free, guide);
          outcomes.now = await tiny.whisper.guidedPass(settings).run(free, guide);
        },
      });
      // Below the -1 bar (-1.16 on the bench), but no other sentence within 2.7 of it. On a CPU
      // with AVX-512 VNNI (int8 kernels that round otherwise) it scores above -1: taken by both.
      const score = outcomes.now?.hypothesis?.score ?? 0;
      expect(score).toBeGreaterThan(-1.5);
      if (score < -1) {
        expect(outcomes.now?.hypothesis?.margin ?? 0).toBeGreaterThan(1.5);
        expect(outcomes.before?.verdict).toEqual({ source: "free", why: "low-score" });
      } else expect(outcomes.before?.source).toBe("grammar");
      expect(outcomes.now?.source).toBe("grammar");
      expect(outcomes.now?.text).toMatch(/^Lock,? (the )?front door\.$/);
      // The rules after the score still ran: the action check found no unlock in it.
      expect(outcomes.now?.actionLead?.lead ?? 0).toBeGreaterThan(5);
    });
  });
});
