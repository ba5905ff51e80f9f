import type { Config } from "../src/config/schema.js";
import { EventBus } from "../src/events/bus.js";
import type { PipelineEvent } from "../src/events/types.js";
import { SatelliteLink } from "../src/mqtt/satellite-link.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { silentLogger } from "../src/util/logger.js";
import { endpointerSettings } from "../src/vad/endpointer.js";
import { concatSamples, readWav, silence } from "../test/integration/listening-helpers.js";
import { FakeCommands, FakeIntent, FakeTranscriber, FakeVad, FakeWake } from "../test/support/fake-stages.js";

const S = 16000;
const FRAME = 1280;

export interface SimCommand {
  wav: string;
  intent: string;
  target: string;
}

/** One simulated satellite: real pipeline and link, scripted wake word and VAD over a recorded command. */
export class SimSatellite {
  readonly events: PipelineEvent[] = [];
  readonly link: SatelliteLink;
  readonly pipeline: Pipeline;
  readonly audio: Int16Array;
  readonly speechEnd: number;
  #next = 0;

  constructor(
    readonly site: string,
    readonly command: SimCommand,
    config: Config,
    leadSeconds: number,
  ) {
    const wav = readWav(`test/fixtures/wav/commands/${command.wav}.wav`);
    const lead = Math.round(leadSeconds * S);
    this.audio = concatSamples(silence(leadSeconds), wav, silence(2));
    this.speechEnd = lead + wav.length;
    const bus = new EventBus(() => performance.now());
    bus.onAny((event) => this.events.push(event));
    this.link = SatelliteLink.start({ config, logger: silentLogger() });
    this.pipeline = new Pipeline({
      site,
      area: null,
      bus,
      wake: new FakeWake([lead - FRAME]),
      vad: new FakeVad([[lead, this.speechEnd]]),
      transcriber: new FakeTranscriber("never"),
      intent: new FakeIntent({}),
      commands: new FakeCommands(),
      remote: this.link,
      endpointer: endpointerSettings(config.vad),
      preRollSeconds: config.vad.pre_roll_seconds,
      speculative: false,
      sttPrompt: () => "",
      logger: silentLogger(),
    });
  }

  get done(): boolean {
    return this.#next >= this.audio.length;
  }

  /** Feeds the next 80 ms; returns true when that frame held the end of speech. */
  async tick(): Promise<boolean> {
    const start = this.#next;
    const samples = this.audio.subarray(start, start + FRAME);
    this.#next += samples.length;
    await this.pipeline.process({ samples, startSample: start });
    return start < this.speechEnd && this.#next >= this.speechEnd;
  }
}
