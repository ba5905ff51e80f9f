import { z } from "zod";

/**
 * A board's claim to answer one wake word, as it travels on `<prefix>/rooms/<group>/claim`
 * (docs/rooms.md). Every board of the group ranks the same claims the same way, so all pick
 * the same winner without talking again. `audioMs` is the claimant's own audio clock: shown
 * for people reading the traffic, never compared across boards (their clocks may be skewed).
 */
export interface Claim {
  /** Protocol version: a board ignores claims of a version it does not know. */
  v: 1;
  site: string;
  group: string;
  runId: string;
  wakeWord: string;
  /** The wake word detector's score, 0-1. */
  score: number;
  /** Speech over the board's own noise floor, in dB (comparable across boards with different microphone gains). */
  level: number;
  /** Speech level in dBFS. */
  dbfs: number;
  /** The claimant's audio clock at the detection, in ms (informational). */
  audioMs: number;
}

/** Bounds that keep a hostile or broken payload from costing more than a line in the log. */
const MAX_PAYLOAD_BYTES = 1024;
const name = z.string().min(1).max(64);
const finite = z.number().refine(Number.isFinite, "expected a finite number");

const claimSchema = z.object({
  v: z.literal(1),
  site: name.regex(/^[a-z0-9_-]+$/),
  group: name.regex(/^[a-z0-9_-]+$/),
  runId: name,
  wakeWord: name,
  score: finite.min(0).max(1),
  level: finite.min(-200).max(200),
  dbfs: finite.min(-200).max(0),
  audioMs: finite.min(0),
});

/** A claim from the wire, or why it is not one (the caller logs it and goes on). */
export function parseClaim(payload: Uint8Array): { claim: Claim } | { problem: string } {
  if (payload.length > MAX_PAYLOAD_BYTES) return { problem: `claim larger than ${MAX_PAYLOAD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return { problem: "claim is not JSON" };
  }
  const parsed = claimSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `claim field ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
  }
  return { claim: parsed.data as Claim };
}

/**
 * Ranks two claims: negative when `a` should answer rather than `b`. Best score first, in
 * steps of 0.01 (a detector's 0.994 against 0.991 says nothing about who is nearer), then the
 * higher speech level over noise in whole dB (the nearer board, most often), then the site id
 * and the run id, so even a tie has one answer every board agrees on.
 */
export function compareClaims(a: Claim, b: Claim): number {
  const score = Math.round(b.score * 100) - Math.round(a.score * 100);
  if (score !== 0) return score;
  const level = Math.round(b.level) - Math.round(a.level);
  if (level !== 0) return level;
  return byCodePoint(a.site, b.site) || byCodePoint(a.runId, b.runId);
}

/** The claim that answers among `claims` (at least one). */
export function bestClaim(claims: readonly Claim[]): Claim {
  return claims.reduce((best, claim) => (compareClaims(claim, best) < 0 ? claim : best));
}

/** Locale-free order: every board sorts the same way whatever its LANG. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
