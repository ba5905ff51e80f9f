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

/** Names a round by its opening claim. */
export interface RoundRef {
  site: string;
  runId: string;
}

/**
 * Ends a round on `<prefix>/rooms/<group>/claim` (docs/rooms.md): the claims the broker took
 * before it are the round's contestants, on every board alike. Sent by the round's opener once
 * its window is over, or by another claimant when the opener's does not come.
 */
export interface Close {
  v: 1;
  type: "close";
  group: string;
  /** The board that sent it (for people reading the traffic). */
  site: string;
  round: RoundRef;
}

export type RoomMessage = { claim: Claim } | { close: Close };

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

const closeSchema = z.object({
  v: z.literal(1),
  type: z.literal("close"),
  group: claimSchema.shape.group,
  site: claimSchema.shape.site,
  round: z.object({ site: claimSchema.shape.site, runId: name }),
});

/** A claim or a close from the wire, or why it is neither (the caller logs it and goes on). */
export function parseRoomMessage(payload: Uint8Array): RoomMessage | { problem: string } {
  if (payload.length > MAX_PAYLOAD_BYTES)
    return { problem: `message larger than ${MAX_PAYLOAD_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return { problem: "message is not JSON" };
  }
  const isClose = typeof json === "object" && json !== null && (json as { type?: unknown }).type === "close";
  const parsed = (isClose ? closeSchema : claimSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what = isClose ? "close" : "claim";
    return { problem: `${what} field ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
  }
  return isClose ? { close: parsed.data as Close } : { claim: parsed.data as Claim };
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
