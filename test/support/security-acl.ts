import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./mqtt-harness.js";

/**
 * The Mosquitto ACL docs/security.md recommends for the kitchen board, taken from the page
 * itself (so the tests check what users copy), written to a temp file: its path.
 */
export function recommendedAclFile(): string {
  const page = readFileSync("docs/security.md", "utf8");
  const block = /```\n(# edge-voice, site "kitchen"[\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error("docs/security.md has no ACL block for site kitchen");
  const file = path.join(tempDir("acl"), "acl");
  writeFileSync(file, block);
  return file;
}
