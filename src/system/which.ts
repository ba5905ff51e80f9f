import { accessSync, constants } from "node:fs";
import path from "node:path";

/** The absolute path of an executable on $PATH, or null (like `command -v`, without a shell). */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes("/")) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
