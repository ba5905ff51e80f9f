// The words the sentence space reads actions and endings by (space.ts).

/**
 * Words that reverse an action. A grammar guess whose action word is the opposite of one
 * the free transcript has (free "unlock the front door" -> guess "lock the front door") is
 * never taken: a near-miss may fix a name, never flip what the person asked for.
 */
export const OPPOSITES: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [["on"], ["off"]],
  [
    ["lock", "locked"],
    ["unlock", "unlocked"],
  ],
  [
    ["open", "raise", "lift", "up"],
    ["close", "closed", "shut", "lower", "down"],
  ],
  [["arm"], ["disarm"]],
  [
    ["start", "set", "create", "make"],
    ["cancel", "stop", "delete", "remove", "end", "clear"],
  ],
  [["brighten"], ["dim"]],
];

/**
 * Words that may follow a whole command without changing what it asks for: an area after a
 * device's name ("... in the kitchen") and a unit after a number ("... 40 percent").
 */
export const HARMLESS_NEXT = new Set([
  "in",
  "on",
  "at",
  "for",
  "percent",
  "per",
  "degrees",
  "celsius",
  "fahrenheit",
  "centigrade",
]);
