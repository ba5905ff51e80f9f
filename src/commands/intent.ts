import { llmPrefixCacheDir, stateDir } from "../config/paths.js";
import { usageError } from "../errors.js";
import { createIntentHandler, effectiveLlmMode } from "../intent/create.js";
import { DeviceRegistry } from "../intent/registry.js";
import type { IntentDecision } from "../intent/types.js";
import { modelStoreFromConfig } from "../models/startup.js";
import { createLogger } from "../util/logger.js";
import { CONFIG_HELP, CONFIG_OPTIONS, type Command } from "./command.js";
import { loadConfigFor } from "./load-config.js";

export const intentCommand: Command = {
  name: "intent",
  summary: "recognize the intent of a sentence (templates, then the LLM) and apply the safety policy",
  help: `Usage: edge-voice intent "TEXT" [--json]

  Prints what the daemon would do with TEXT as a transcript: the intent, its target
  entities and slots, where it came from (template or llm), its confidence and the time
  taken; or why it was rejected (not-recognized, needs-confirmation, not-allowed).
  Nothing is published. Exit 0 either way; 78 when the configuration is invalid.

  --json              one JSON object: {intent, targets, slots, source, confidence, ms}
                      or {intent: null, reason, ...}
${CONFIG_HELP}
`,
  takesArguments: true,
  options: { ...CONFIG_OPTIONS, json: { type: "boolean" } },
  async run(args, io) {
    const text = args.positionals.join(" ").trim();
    if (!text)
      throw usageError("intent needs the text to recognize", 'edge-voice intent "turn on the kitchen light"');
    const { config } = loadConfigFor(args, io);
    const verbose = config.log.level === "debug" || config.log.level === "trace";
    const logger = createLogger({ level: verbose ? config.log.level : "warn", format: "json" });
    const registry = new DeviceRegistry(config.devices);
    const handler = await createIntentHandler(config, registry, logger, {
      store: modelStoreFromConfig(config, io),
      prefixCacheDir: llmPrefixCacheDir(stateDir(config.state_dir, io.env)),
    });
    try {
      // Shows what the sentence would do if spoken (sensitive actions ask for a yes).
      const context = {
        runId: "cli",
        site: config.site,
        area: config.area,
        origin: "voice",
        nowSeconds: 0,
        wallSeconds: 0,
      } as const;
      const decision = await handler.handle(text, context);
      const out = decisionJson(decision);
      if (args.values.json) io.stdout.write(`${JSON.stringify(out)}\n`);
      else io.stdout.write(`${readable(decision)}  [llm: ${effectiveLlmMode(config)}]\n`);
      return 0;
    } finally {
      await handler.dispose();
    }
  },
};

export function decisionJson(decision: IntentDecision): Record<string, unknown> {
  if (decision.kind === "execute") {
    const { intent, targets, slots, source, confidence } = decision.intent;
    return { intent, targets, slots, source, confidence, ms: decision.ms };
  }
  const out: Record<string, unknown> = { intent: null, reason: decision.reason, ms: decision.ms };
  if (decision.intent) {
    const { intent, targets, slots, source, confidence } = decision.intent;
    out.recognized = { intent, targets, slots, source, confidence };
  }
  if (decision.prompt) out.prompt = decision.prompt;
  if (decision.confirmWindowSeconds !== undefined) out.confirmWindowSeconds = decision.confirmWindowSeconds;
  if (decision.detail) out.detail = decision.detail;
  return out;
}

function readable(decision: IntentDecision): string {
  const describe = (i: NonNullable<IntentDecision["intent"]>) => {
    const slots = Object.entries(i.slots)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ");
    return `${i.intent}${i.targets.length ? ` ${i.targets.join(",")}` : ""}${slots ? ` ${slots}` : ""}`;
  };
  const ms = `${decision.ms.toFixed(1)} ms`;
  if (decision.kind === "execute") {
    const i = decision.intent;
    return `${describe(i)}  (${i.source}, confidence ${i.confidence.toFixed(2)}, ${ms})`;
  }
  const what = decision.intent ? ` ${describe(decision.intent)}` : "";
  const extra = decision.prompt ? `: ${decision.prompt}` : decision.detail ? ` (${decision.detail})` : "";
  return `rejected ${decision.reason}${extra}${what ? ` -${what}` : ""}  (${ms})`;
}
