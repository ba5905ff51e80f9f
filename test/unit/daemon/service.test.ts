import { describe, expect, it } from "vitest";
import type { Section } from "../../../src/config/changes.js";
import { validate } from "../../../src/config/load.js";
import type { ReloadAction } from "../../../src/daemon/reload.js";
import { type Service, type ServiceContext, ServiceList } from "../../../src/daemon/service.js";
import { EdgeVoiceError, ExitCode } from "../../../src/errors.js";
import { captureLogger } from "../../support/capture-logger.js";

const config = validate({});

/** A service that writes what happens to it into a shared journal. */
class Recorded implements Service {
  readonly sections: readonly Section[];
  failStart: Error | null = null;
  failStop = false;
  constructor(
    readonly name: string,
    private readonly journal: string[],
    options: { optional?: boolean; sections?: Section[]; live?: boolean } = {},
  ) {
    this.sections = options.sections ?? [];
    this.optional = options.optional;
    this.live = options.live;
    if (options.live) {
      this.reload = async (context: ServiceContext, plan: ReadonlyMap<string, ReloadAction>) => {
        this.journal.push(`reload ${this.name} ${[...plan.values()].join()} ${context.config.site}`);
      };
    }
  }
  readonly optional?: boolean;
  readonly live?: boolean;
  reload?: Service["reload"];
  async start(context: ServiceContext): Promise<void> {
    this.journal.push(`start ${this.name} ${context.config.site}`);
    if (this.failStart) throw this.failStart;
  }
  async stop(): Promise<void> {
    this.journal.push(`stop ${this.name}`);
    if (this.failStop) throw new Error("stuck");
  }
}

describe("ServiceList", () => {
  it("starts in order and stops in reverse order", async () => {
    const journal: string[] = [];
    const list = new ServiceList(
      ["a", "b", "c"].map((n) => new Recorded(n, journal)),
      captureLogger("info").logger,
    );
    await list.start({ config });
    expect(list.running).toEqual(["a", "b", "c"]);
    await list.stop();
    expect(journal).toEqual([
      "start a default",
      "start b default",
      "start c default",
      "stop c",
      "stop b",
      "stop a",
    ]);
    expect(list.running).toEqual([]);
  });

  it("logs an optional service that fails to start, with its code, and runs on without it", async () => {
    const journal: string[] = [];
    const metrics = new Recorded("metrics", journal, { optional: true });
    metrics.failStart = new EdgeVoiceError(
      "config-invalid",
      "cannot serve metrics on 127.0.0.1:9: EADDRINUSE",
      {
        hint: "pick another metrics.port",
        exitCode: ExitCode.config,
      },
    );
    const { lines, logger } = captureLogger("info");
    const list = new ServiceList([new Recorded("a", journal), metrics, new Recorded("b", journal)], logger);
    await list.start({ config });
    expect(list.running).toEqual(["a", "b"]);
    // Its partial start is released at once; the daemon's stop never reaches it again.
    expect(journal).toEqual(["start a default", "start metrics default", "stop metrics", "start b default"]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        service: "metrics",
        code: "config-invalid",
        hint: "pick another metrics.port",
      }),
    );
    await list.stop();
    expect(journal.slice(4)).toEqual(["stop b", "stop a"]);
  });

  it("on a required service's failure stops what started, in reverse, and the error (with its exit code) goes up", async () => {
    const journal: string[] = [];
    const models = new Recorded("models", journal);
    const failure = new EdgeVoiceError("model-missing", "no whisper", { exitCode: ExitCode.config });
    models.failStart = failure;
    const list = new ServiceList(
      [new Recorded("a", journal), new Recorded("b", journal), models, new Recorded("c", journal)],
      captureLogger("info").logger,
    );
    await expect(list.start({ config })).rejects.toBe(failure);
    expect(journal).toEqual([
      "start a default",
      "start b default",
      "start models default",
      "stop models",
      "stop b",
      "stop a",
    ]);
  });

  it("goes on stopping past a service whose stop fails, and logs it", async () => {
    const journal: string[] = [];
    const stuck = new Recorded("stuck", journal);
    stuck.failStop = true;
    const { lines, logger } = captureLogger("info");
    const list = new ServiceList([new Recorded("a", journal), stuck, new Recorded("b", journal)], logger);
    await list.start({ config });
    await list.stop();
    expect(journal.slice(3)).toEqual(["stop b", "stop stuck", "stop a"]);
    expect(lines).toContainEqual(expect.objectContaining({ service: "stuck", msg: "stuck: stop failed" }));
  });

  it("reloads only what the derived plan names: a restart is stop then start, a live service reloads", async () => {
    const journal: string[] = [];
    const list = new ServiceList(
      [
        new Recorded("mqtt", journal, { sections: ["mqtt", "site"] }),
        new Recorded("log", journal, { sections: ["log"], live: true }),
        new Recorded("pipeline", journal, { sections: ["vad", "site"], live: true }),
        new Recorded("audio", journal, { sections: ["audio"] }),
      ],
      captureLogger("info").logger,
    );
    await list.start({ config });
    journal.length = 0;
    const next = validate({ site: "hall" });
    const plan = list.plan(config, next);
    expect(plan).toEqual(
      new Map([
        ["mqtt", "restart"],
        ["pipeline", "reload"],
      ]),
    );
    await list.reload({ config: next }, plan);
    expect(journal).toEqual(["stop mqtt", "start mqtt hall", "reload pipeline reload hall"]);
  });

  it("starts an optional service that had failed once its settings change", async () => {
    const journal: string[] = [];
    const feedback = new Recorded("feedback", journal, { optional: true, sections: ["feedback"] });
    feedback.failStart = new Error("no player");
    const list = new ServiceList([feedback], captureLogger("info").logger);
    await list.start({ config });
    expect(list.running).toEqual([]);
    feedback.failStart = null;
    const next = validate({ feedback: { earcons: true } });
    await list.reload({ config: next }, list.plan(config, next));
    expect(list.running).toEqual(["feedback"]);
  });
});
