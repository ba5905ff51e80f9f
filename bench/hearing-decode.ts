// Decoding alone, the wake word bypassed: each hearing utterance is synthesized as the command
// audio the pipeline hands Whisper (the command after the wake phrase; "hey jarvis <command>"
// for the utterances said in one breath, whose wake phrase the grammar allows as a prefix),
// clean, with noise at 10 dB SNR or reverberant (the same sox and noise as
// scripts/make-hearing-fixtures.ts). One free pass per clip; over it, free decoding (the peer)
// and every guided setting are judged by the home's templates: right / wrong action /
// rejected, out-of-grammar executed, and the guided pass's time. Same clips, same free
// passes, one run: the columns compare even under load.
//
//   nice -n 10 npx tsx bench/hearing-decode.ts --count 24 --conditions clean,noisy,reverb \
//       --try peer --try beam=4,numberAgreement=1 [--voices en-us,en-029] [--reference]
//       [--other-voices en-us+m2@140,en-gb+f4@155] (voices outside the list, for held-out checks)
//       [--follow-up-lead 2.7] (a follow-up's audio: the command alone after that much quiet)
//       [--wake-phrase] (paused clips start with the wake phrase too, and Whisper is told it, as
//        the daemon's pre-roll hands them over: where the prompt is copied or "Hey Jarvis," alone written)
//       [--no-retry] (a copied prompt is not read again after the other prompt: before session 27)
//       [--model ID|DIR] (another Whisper) [--layers int8] (stt.layers: run two at once to compare)
//
// --try takes "peer" (the config's settings without the number check and the cap per first
// word: guided decoding as it was before them), "partners" (the config's, the number checked
// only against its teen/ten partner: the check before every value of the slot), "config"
// (the config's settings), or
// key=value pairs over the config's (GuidedSettings keys and threshold keys; 0 turns a check off). --reference also scores the said sentence over the
// same encoder output for each miss (search error: it scores better than what the beam found).
// Per-clip results go to bench/out/hearing-decode.json (--out NAME: bench/out/NAME.json).

import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { BENCH_AREA } from "../scripts/hearing-utterances.js";
import {
  allSpecs,
  type ClipSpec,
  CONDITIONS,
  type Condition,
  commandAudio,
  VOICES,
  type Voice,
} from "../scripts/make-hearing-fixtures.js";
import { int16ToFloat32 } from "../src/audio/format.js";
import { validate } from "../src/config/load.js";
import { preparedModelsDir, stateDir } from "../src/config/paths.js";
import { sentenceSpace } from "../src/intent/create.js";
import { repeatSentence } from "../src/intent/follow-up.js";
import { DeviceRegistry } from "../src/intent/registry.js";
import { loadTemplates } from "../src/intent/templates/file.js";
import { TemplateRecognizer } from "../src/intent/templates/recognizer.js";
import { VocabularyCache } from "../src/intent/vocabulary.js";
import { modelStoreFromConfig } from "../src/models/startup.js";
import { stripWakePhrase, whisperPrompt } from "../src/pipeline/wake-phrase.js";
import { askBack, namesAlsoHeard, requestsAlsoHeard } from "../src/stt/ask-back.js";
import { createTranscriber, guidedSettings } from "../src/stt/create.js";
import { type FreePass, type GuidedSettings, outcomeWhy } from "../src/stt/guided-types.js";
import { vocabularyPrompt } from "../src/stt/prompt.js";
import type { WhisperTranscriber } from "../src/stt/whisper.js";
import { createLogger } from "../src/util/logger.js";
import { type Row, report, type Verdict } from "./hearing-decode-report.js";
import { confusableAlternatives } from "./hearing-partners.js";
import { referenceConstraint, referenceForms } from "./hearing-reference.js";
import { matches } from "./hearing-score.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const _RATE = 16_000;
/** Endings of the guided pass's prompt (--try prompt=NAME): the style Whisper is to continue. */
const PROMPT_ENDINGS: Record<string, string> = {
  verbs: "Turn on, turn off, switch, set, put, lock, open, close, start.",
  commands: "Turn on the light. Set a timer.",
  // verbs without lock/unlock: the verbs prompt made "Lock the front door." of unlocks (session 10)
  nolock: "Turn on, turn off, switch, set, put, open, close, start.",
  // nolock and "cancel": the nolock prompt lost "cancel the timer" (13 -> 8 of 18 held out, session 12)
  cancel: "Turn on, turn off, switch, set, put, open, close, start, cancel.",
};
const MARK: Record<Verdict, string> = { right: "OK", wrong: "WRONG", rejected: "-" };

/**
 * Voices outside the fixture list, "en-us+m2@140,en-gb+f4@155" (espeak-ng voice and variant,
 * words per minute): a check calibrated on the list is tried on voices it never heard.
 */
function otherVoices(list: string): Voice[] {
  return list.split(",").map((spec) => {
    const [voice = "", speed = "150"] = spec.split("@");
    return { id: voice.replace("+", "-"), voice, speed: Number(speed) };
  });
}

function options() {
  const { values } = parseArgs({
    options: {
      voices: { type: "string" },
      "other-voices": { type: "string" },
      conditions: { type: "string" },
      count: { type: "string" },
      try: { type: "string", multiple: true },
      reference: { type: "boolean" },
      only: { type: "string" },
      "dropped-only": { type: "boolean" },
      report: { type: "string" },
      out: { type: "string" },
      "follow-up-lead": { type: "string" },
      "wake-phrase": { type: "boolean" },
      "no-retry": { type: "boolean" },
      model: { type: "string" },
      layers: { type: "string" },
    },
  });
  return {
    voices: values["other-voices"]
      ? otherVoices(values["other-voices"])
      : values.voices
        ? VOICES.filter((v) => values.voices?.split(",").includes(v.id))
        : VOICES.slice(0, 6),
    conditions: (values.conditions?.split(",") ?? [...CONDITIONS]) as Condition[],
    count: values.count ? Number(values.count) : undefined,
    tries: values.try ?? ["peer"],
    reference: values.reference === true,
    only: values.only ? new RegExp(values.only) : null,
    /** Only clips whose free text Whisper's no-speech rule dropped: all that `afterNoSpeech` changes. */
    droppedOnly: values["dropped-only"] === true,
    report: values.report,
    /** The name of the files under bench/out/ (two runs at once need two). */
    out: values.out ?? "hearing-decode",
    /** Seconds of quiet before the command, no wake phrase: a follow-up's audio (commandAudio). */
    followUpLead: values["follow-up-lead"] ? Number(values["follow-up-lead"]) : undefined,
    /** Paused clips hold the wake phrase and its pause too, as the daemon's do. */
    wakePhrase: values["wake-phrase"] === true,
    /** As the daemon before session 27: a copied prompt goes on as Whisper wrote it. */
    noRetry: values["no-retry"] === true,
    /** Another Whisper than examples/home.yaml's (a manifest id or a model directory). */
    model: values.model,
    /** stt.layers: float (the default) or int8 (the model file's own, the default before session 44). */
    layers: values.layers,
  };
}

/** As the daemon's template stage reads it: wake phrase stripped, fuzzy names, the board's area. */
let templates: TemplateRecognizer;

/** Intents that change nothing: a question answered, "never mind". A wrong one is a wrong answer, not a wrong action. */
const CHANGES_NOTHING = new Set([
  "HassGetState",
  "HassTimerStatus",
  "HassGetCurrentTime",
  "HassGetCurrentDate",
  "HassNevermind",
]);

/** True when the text the daemon would act on asks for something that changes nothing. */
function changesNothing(text: string): boolean {
  const intent = text ? templates.recognize(stripWakePhrase(text, "hey_jarvis"), BENCH_AREA) : null;
  return intent !== null && CHANGES_NOTHING.has(intent.intent);
}

function judge(text: string, expect: ClipSpec["utterance"]["expect"]): Verdict {
  const intent = text ? templates.recognize(stripWakePhrase(text, "hey_jarvis"), BENCH_AREA) : null;
  if (!intent) return "rejected";
  if (expect === null) return "wrong";
  return matches({ intent: intent.intent, targets: intent.targets, slots: intent.slots }, expect)
    ? "right"
    : "wrong";
}

/**
 * The request the question offers about `name` instead of the asked guess's device ("... or
 * say turn on the living room light": the intent stage's repeatSentence), judged against
 * what was said.
 */
function judgeOffered(asked: string, name: string, expect: ClipSpec["utterance"]["expect"]): Verdict {
  const intent = templates.recognize(stripWakePhrase(asked, "hey_jarvis"), BENCH_AREA);
  const offered = intent && repeatSentence(intent, `the ${name}`);
  return offered ? judge(offered, expect) : "rejected";
}

/** "peer", or "beam=6,minMargin=0.1" over the config's settings. */
function trialSettings(spec: string, base: GuidedSettings): GuidedSettings {
  const settings = { ...base, thresholds: { ...base.thresholds } } as GuidedSettings;
  if (spec === "peer") {
    // As before session 7's rules: no cap per first word, no number check (nor session 8's stop rule).
    settings.perGroup = undefined;
    settings.floorSteps = undefined;
    settings.distinctEnds = 0;
    settings.thresholds.minNumberLead = undefined;
    return settings;
  }
  if (spec === "partners") {
    const partners = (text: string) =>
      confusableAlternatives(text).map((alt) => ({ alternatives: [alt], probe: alt }));
    return { ...settings, numberValues: partners };
  }
  if (spec === "config") return settings;
  for (const pair of spec.split(",")) {
    const [key, value] = pair.split("=") as [string, string];
    // prompt=NAME: the guided searches read PROMPT_ENDINGS[NAME] after the device prompt (none: nothing).
    if (key === "prompt") {
      settings.promptEnding = value === "none" ? undefined : PROMPT_ENDINGS[value];
      continue;
    }
    // rescuePrompt=NAME: the second search reads PROMPT_ENDINGS[NAME] after the device prompt (none: nothing).
    if (key === "rescuePrompt" && settings.rescue) {
      settings.rescue = {
        ...settings.rescue,
        promptEnding: value === "none" ? undefined : PROMPT_ENDINGS[value],
      };
      continue;
    }
    // rescue=N: the second search N wide (0: none).
    if (key === "rescue") {
      settings.rescue = Number(value) > 0 ? { ...settings.rescue, beam: Number(value) } : undefined;
      continue;
    }
    const target = (key in settings.thresholds ? settings.thresholds : settings) as unknown as Record<
      string,
      unknown
    >;
    target[key] = Number(value);
  }
  return settings;
}

/**
 * Utterance by utterance (every voice and condition of one, then the next), out-of-grammar
 * ones spread among the commands: a run stopped early has whole utterances of both kinds.
 */
function interleave(specs: ClipSpec[]): ClipSpec[] {
  const byUtterance = new Map<number, ClipSpec[]>();
  for (const spec of specs) byUtterance.set(spec.index, [...(byUtterance.get(spec.index) ?? []), spec]);
  const groups = [...byUtterance.values()];
  const commands = groups.filter((g) => g[0]?.utterance.expect !== null);
  const others = groups.filter((g) => g[0]?.utterance.expect === null);
  const out: ClipSpec[] = [];
  while (commands.length > 0 || others.length > 0) {
    for (const g of commands.splice(0, 3)) out.push(...g);
    for (const g of others.splice(0, 1)) out.push(...g);
  }
  return out;
}

async function main(): Promise<void> {
  const opts = options();
  const home = parse(readFileSync(path.join(ROOT, "examples/home.yaml"), "utf8")) as Record<string, unknown>;
  const sttFile = {
    ...(home.stt as object),
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.layers ? { layers: opts.layers } : {}),
  };
  const config = validate({ ...home, stt: sttFile, area: BENCH_AREA, log: { level: "warn" } });
  const registry = new DeviceRegistry(config.devices);
  templates = new TemplateRecognizer(
    loadTemplates(config.intent.templates_file),
    new VocabularyCache(registry),
    config.intent.fuzzy_threshold,
  );
  if (opts.report) {
    const [head, ...lines] = readFileSync(opts.report, "utf8").trim().split("\n");
    const { tries } = JSON.parse(head ?? "{}") as { tries: string[] };
    report(
      lines.map((l) => JSON.parse(l) as Row),
      tries,
      changesNothing,
    );
    return;
  }
  const stt = config.stt;
  const base: GuidedSettings = guidedSettings(stt);
  const logger = createLogger({ level: "warn", format: "json" });
  const transcriber = (await createTranscriber(
    { ...stt, guided: false },
    modelStoreFromConfig(config, { cwd: ROOT, env: {} }),
    logger,
    { preparedDir: preparedModelsDir(stateDir(config.state_dir, {})) },
  )) as WhisperTranscriber;
  const guide = sentenceSpace(config, registry).get();
  const prompt = vocabularyPrompt(registry.all(), stt.initial_prompt);
  const trySettings = opts.tries.map((t) => trialSettings(t, base));
  const passes = trySettings.map((settings) => transcriber.guidedPass(settings));
  for (const pass of passes) pass.prepare(guide);
  const reference = transcriber.guidedPass(base);

  const specs = interleave(
    allSpecs(opts.voices, opts.conditions, opts.count).filter(
      (s) => !opts.only || opts.only.test(s.utterance.text),
    ),
  );
  // Rows as they come (a run stopped early still counts: --report FILE prints its table).
  mkdirSync(path.join(ROOT, "bench/out"), { recursive: true });
  const jsonl = path.join(ROOT, `bench/out/${opts.out}.jsonl`);
  writeFileSync(jsonl, `${JSON.stringify({ tries: opts.tries })}\n`);
  console.log(`${specs.length} clips, tries: ${opts.tries.join(" | ")}, load ${os.loadavg()[0]?.toFixed(1)}`);
  const rows: Row[] = [];
  // Every clip is made before the first is decoded: espeak-ng and sox run as child
  // processes, and after each fork the first write to every page of this process faults
  // (copy on write), which timed into the decoding that followed (~250 ms per guided pass).
  const clips = specs.map((spec) => int16ToFloat32(commandAudio(spec, opts.followUpLead, opts.wakePhrase)));
  for (const [i, spec] of specs.entries()) {
    const noPause = spec.index % 8 === 3 && opts.followUpLead === undefined;
    const audio = clips[i] as Float32Array;
    let row: Row | null = null;
    const started = performance.now();
    const inspect = async (free: FreePass) => {
      if (opts.droppedOnly && !free.droppedText) return;
      const freeMs = performance.now() - started;
      const expect = spec.utterance.expect;
      const freeVerdict = judge(free.text, expect);
      const understood = !free.text || guide.understands(free.text);
      const trials: Row["trials"] = [];
      for (const [k, pass] of passes.entries()) {
        if (!free.text && !pass.guidesDropped(free)) {
          trials.push({
            verdict: freeVerdict,
            chosen: "",
            why: "empty",
            hypothesis: null,
            ms: 0,
            steps: 0,
            decoderMs: 0,
          });
          continue;
        }
        const outcome = await pass.run(free, guide);
        const verdict = judge(outcome.text, expect);
        // What would be asked back: the guess, or a free text refused only for a doubt.
        const guess = outcome.unsure ?? outcome.hypothesis;
        // As the daemon: nothing understood, the guess read by the templates and guarding nothing.
        const asked =
          verdict === "rejected" &&
          outcome.verdict.source === "free" &&
          !!guess &&
          askBack({ why: outcome.verdict.why, ...guess }, trySettings[k]?.thresholds.askMinScore) !== null &&
          judge(guess.text, expect ?? null) !== "rejected" &&
          !guide.isSensitive(guess.text);
        // A question that offers the request about the other devices a name heard in part fits
        // ("... or say turn on the bedroom light"), or a doubted "on" or "off" the other way:
        // a person who meant one of them says it.
        const offeredRight =
          asked &&
          outcome.verdict.source === "free" &&
          judge(guess.text, expect) !== "right" &&
          (namesAlsoHeard(outcome.verdict.why, free.text, guess.text, guide).some(
            (name) => judgeOffered(guess.text, name, expect) === "right",
          ) ||
            requestsAlsoHeard(outcome.verdict.why, guess.text, guide).some(
              (request) => judge(request, expect) === "right",
            ));
        const hypothesisActionLead =
          outcome.hypothesis && guide.reversals(outcome.hypothesis.text).length
            ? await reference.actionLead(free, outcome.hypothesis.text, guide)
            : null;
        // A guess that picks its devices by kind ("turn on the light"): its lead over itself
        // with each of the home's names (the check understood free texts get), measured only.
        const namings = outcome.hypothesis ? (guide.namings?.(outcome.hypothesis.text) ?? []) : [];
        const hypothesisNameLead =
          outcome.hypothesis && namings.length
            ? await reference.leadOver(free, outcome.hypothesis.text, namings)
            : null;
        trials.push({
          verdict,
          ...(asked ? { asked, askedVerdict: judge(guess.text, expect) } : {}),
          ...(offeredRight ? { offeredRight } : {}),
          chosen: outcome.text,
          why: outcomeWhy(outcome),
          hypothesis: outcome.hypothesis ?? null,
          ...(outcome.hypothesis ? { hypothesisVerdict: judge(outcome.hypothesis.text, expect) } : {}),
          ...(outcome.lastWordLead !== undefined ? { lastWordLead: outcome.lastWordLead } : {}),
          ...(outcome.numberLead ? { numberLead: outcome.numberLead } : {}),
          ...(outcome.actionLead ? { actionLead: outcome.actionLead } : {}),
          ...(outcome.questionLead ? { questionLead: outcome.questionLead } : {}),
          ...(hypothesisActionLead ? { hypothesisActionLead } : {}),
          ...(hypothesisNameLead ? { hypothesisNameLead } : {}),
          ...(outcome.second ? { second: outcome.second } : {}),
          ms: outcome.ms,
          steps: outcome.steps ?? 0,
          rows: outcome.rows ?? 0,
          decoderMs: outcome.decoderMs ?? 0,
        });
      }
      // The free text taken as it is: how sure Whisper was of its numbers (confusable.ts).
      const freeLead = understood && free.text ? await reference.numberLead(free, free.text, guide) : null;
      const freeActionLead =
        understood && free.text && guide.reversals(free.text).length
          ? await reference.actionLead(free, free.text, guide)
          : null;
      let ref: Row["reference"] = null;
      if (opts.reference && expect && !understood && trials.some((t) => t.verdict !== "right")) {
        const found = await reference.best(free, referenceConstraint(referenceForms(spec.utterance.text)), 4);
        ref = found.best ? { text: found.best.text, score: found.best.score } : null;
      }
      row = {
        clip: `${spec.index}-${spec.voice.id}-${spec.condition}`,
        voice: spec.voice.id,
        condition: spec.condition,
        noPause,
        ...(free.startTokens ? { retried: true } : {}),
        said: spec.utterance.text,
        inGrammar: expect !== null,
        freeText: free.text,
        freeScore: free.avgLogprob,
        freeMs,
        free: freeVerdict,
        ...(freeLead ? { freeLead } : {}),
        ...(freeActionLead ? { freeActionLead } : {}),
        ...(free.stateLead != null ? { freeStateLead: free.stateLead } : {}),
        reference: ref,
        trials,
      };
    };
    // As the pipeline: audio that starts with the wake phrase gets it named in the prompt (run-audio.ts).
    const saysWakePhrase = noPause || (opts.wakePhrase && opts.followUpLead === undefined);
    const { retry, ...named } = whisperPrompt(saysWakePhrase ? "Hey Jarvis" : null, prompt);
    await transcriber.transcribe(audio, { ...named, ...(retry && !opts.noRetry ? { retry } : {}), inspect });
    const done = row as Row | null;
    if (!done) continue;
    rows.push(done);
    appendFileSync(jsonl, `${JSON.stringify(done)}\n`);
    const shown = done.trials.map(
      (t) =>
        `${MARK[t.verdict]} ${JSON.stringify(t.hypothesis?.text ?? null)} ${t.hypothesis?.score.toFixed(2) ?? ""} m${t.hypothesis?.margin?.toFixed(2) ?? "-"} ${t.why}${t.numberLead ? ` lead ${t.numberLead.lead.toFixed(2)} vs ${JSON.stringify(t.numberLead.alternative)} (${t.numberLead.steps} calls, ${t.numberLead.rows} rows, ${t.numberLead.ms.toFixed(0)}ms)` : ""} ${t.hypothesisActionLead ? ` action ${t.hypothesisActionLead.lead.toFixed(2)} vs ${JSON.stringify(t.hypothesisActionLead.alternative)}` : ""} ${t.ms.toFixed(0)}ms${t.steps ? ` (${t.steps} steps, ${t.rows} rows, decoder ${t.decoderMs.toFixed(0)})` : ""}`,
    );
    console.log(
      `${done.clip} "${done.said}": free ${MARK[done.free]} ${JSON.stringify(done.freeText)} ${done.freeScore.toFixed(2)}${done.freeLead ? ` lead ${done.freeLead.lead.toFixed(2)}` : ""}${done.freeActionLead ? ` action ${done.freeActionLead.lead.toFixed(2)}` : ""}${done.reference ? ` said ${done.reference.score.toFixed(2)}` : ""} | ${shown.join(" | ")}`,
    );
  }
  await transcriber.dispose();
  mkdirSync(path.join(ROOT, "bench/out"), { recursive: true });
  writeFileSync(
    path.join(ROOT, `bench/out/${opts.out}.json`),
    `${JSON.stringify({ tries: opts.tries, rows }, null, 1)}\n`,
  );
  report(rows, opts.tries, changesNothing);
}

await main();
