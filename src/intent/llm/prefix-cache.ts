import { createHash } from "node:crypto";
import { existsSync, readdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import type { LlamaContextSequence, Token } from "node-llama-cpp";
import { makeDirs } from "../../config/paths.js";
import type { Logger } from "../../util/logger.js";

const PREFIX = "llm-prefix-";

/**
 * The evaluated prompt prefix (llama.cpp's KV state for the system prompt, device list and
 * examples) saved in the state directory, so a restart or `edge-voice intent` skips the
 * warm-up (a minute or more for a 1B model on a Pi). The file name is a hash of the model
 * file (path, size, mtime), the context size and the prefix tokens: any change to the
 * model, the registry or the templates makes a new file, and older ones are removed.
 */
export class PrefixCache {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  fileFor(modelPath: string, contextSize: number, prefix: readonly Token[]): string {
    const stat = statSync(modelPath);
    const hash = createHash("sha256")
      .update(`${path.resolve(modelPath)}\n${stat.size}\n${stat.mtimeMs}\n${contextSize}\n`)
      .update(Buffer.from(Uint32Array.from(prefix as unknown as number[]).buffer))
      .digest("hex");
    return path.join(this.dir, `${PREFIX}${hash.slice(0, 24)}.state`);
  }

  /** Loads a saved state if there is one whose tokens start with `prefix` (after an optional BOS). */
  async load(sequence: LlamaContextSequence, file: string, prefix: readonly Token[]): Promise<boolean> {
    if (!existsSync(file)) return false;
    try {
      await sequence.loadStateFromFile(file, { acceptRisk: true });
      const tokens = sequence.contextTokens;
      const offset = tokens.length > prefix.length && tokens[0] !== prefix[0] ? 1 : 0;
      if (prefix.every((token, i) => tokens[offset + i] === token)) return true;
      this.logger.warn({ file }, "saved LLM prompt state does not match the prompt; evaluating again");
    } catch (error) {
      this.logger.warn({ err: error, file }, "cannot load the saved LLM prompt state; evaluating again");
    }
    await sequence.clearHistory();
    return false;
  }

  /** Saves the state atomically and removes states of older prompts. Failures only cost the next warm-up. */
  async save(sequence: LlamaContextSequence, file: string): Promise<void> {
    try {
      makeDirs(this.dir);
      const temporary = `${file}.${process.pid}.tmp`;
      await sequence.saveStateToFile(temporary);
      renameSync(temporary, file);
      for (const name of readdirSync(this.dir)) {
        const full = path.join(this.dir, name);
        if (name.startsWith(PREFIX) && full !== file) unlinkSync(full);
      }
    } catch (error) {
      this.logger.debug({ err: error, dir: this.dir }, "LLM prompt state not saved");
    }
  }
}
