/** What a state topic said, once read: a word ("ON", "locked"), a number (21.5) or a boolean. */
export type StateValue = string | number | boolean;

export type StateReading = { ok: true; value: StateValue } | { ok: false; reason: string };

/** A device's state message is a word or a small JSON object; anything larger is refused unread. */
export const MAX_STATE_PAYLOAD_BYTES = 4096;

/** Keys read from a JSON state payload without a template, in order: the state, then a current temperature. */
const JSON_KEYS = ["state", "current_temperature", "local_temperature", "temperature", "value"];

/**
 * Reads one state message as Home Assistant would with the entity's `value_template`, as far
 * as plain values go (hand-written because a Jinja engine is far more than this needs, and
 * running one on templates that arrive over the network would be a hazard): no template (the
 * payload itself, or from a JSON object its `state`, then its current temperature), `{{ value }}`,
 * `{{ value_json.a.b }}` / `{{ value_json['a'] }}`, each optionally followed by the filters
 * `| float`, `| int`, `| round(n)`, `| lower`, `| upper` (a default in parentheses ignored).
 * Anything else (conditions, `states()`, arithmetic) is refused as unsupported. Pure.
 */
export function readStatePayload(payload: string, template: string | null): StateReading {
  if (Buffer.byteLength(payload, "utf8") > MAX_STATE_PAYLOAD_BYTES)
    return { ok: false, reason: `payload over ${MAX_STATE_PAYLOAD_BYTES} bytes` };
  const text = payload.trim();
  if (text === "") return { ok: false, reason: "empty payload" };
  if (template === null) return plain(text);
  const parsed = parseTemplate(template);
  if (!parsed) return { ok: false, reason: `unsupported value template ${JSON.stringify(template)}` };
  let value: unknown = text;
  if (parsed.path !== null) {
    const json = parseJson(text);
    if (json === undefined) return { ok: false, reason: "payload is not JSON" };
    value = json;
    for (const key of parsed.path) {
      if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.hasOwn(value, key))
        return { ok: false, reason: `no ${parsed.path.join(".")} in the payload` };
      value = (value as Record<string, unknown>)[key];
    }
  }
  for (const filter of parsed.filters) {
    value = applyFilter(filter, value);
    if (value === undefined) return { ok: false, reason: `${filter.name} of a value that is not a number` };
  }
  return scalar(value);
}

function plain(text: string): StateReading {
  if (!text.startsWith("{")) return scalar(numberOrText(text));
  const json = parseJson(text);
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return { ok: false, reason: "payload is not a JSON object" };
  const record = json as Record<string, unknown>;
  for (const key of JSON_KEYS) if (Object.hasOwn(record, key)) return scalar(record[key]);
  return { ok: false, reason: `a JSON payload without ${JSON_KEYS.join(", ")} (set a value template)` };
}

/** Only words, numbers and booleans are states; a word is capped so a store never holds a novel. */
function scalar(value: unknown): StateReading {
  if (typeof value === "number") return Number.isFinite(value) ? { ok: true, value } : bad("not a number");
  if (typeof value === "boolean") return { ok: true, value };
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "" || text.length > 64) return bad("not a state word");
    return { ok: true, value: numberOrText(text) };
  }
  return bad("not a plain value");
}

function bad(reason: string): StateReading {
  return { ok: false, reason };
}

function numberOrText(text: string): StateValue {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface Filter {
  name: string;
  digits: number | null;
}

interface ParsedTemplate {
  /** Keys under value_json; null for `value` (the payload as text). */
  path: string[] | null;
  filters: Filter[];
}

const KEY = String.raw`(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\])`;
const TEMPLATE = new RegExp(
  String.raw`^\{\{\s*(?<head>value_json(?:${KEY})+|value)\s*(?<tail>(?:\|\s*[a-z]+(?:\([^)]*\))?\s*)*)\}\}$`,
);
const FILTER = /\|\s*([a-z]+)(?:\(([^)]*)\))?/g;
const FILTERS = new Set(["float", "int", "round", "lower", "upper", "string", "trim"]);

function parseTemplate(template: string): ParsedTemplate | null {
  const match = TEMPLATE.exec(template.trim());
  if (!match) return null;
  const { head = "", tail = "" } = match.groups ?? {};
  let path: string[] | null = null;
  if (head !== "value") {
    path = [];
    for (const key of head.slice("value_json".length).matchAll(new RegExp(KEY, "g")))
      path.push(key[1] ?? key[2] ?? key[3] ?? "");
  }
  const filters: Filter[] = [];
  for (const [, name = "", argument] of tail.matchAll(FILTER)) {
    if (!FILTERS.has(name)) return null;
    const digits = name === "round" && argument ? Number.parseInt(argument, 10) : null;
    filters.push({ name, digits: Number.isNaN(digits) ? null : digits });
  }
  return { path, filters };
}

function applyFilter(filter: Filter, value: unknown): unknown {
  switch (filter.name) {
    case "float":
    case "int":
    case "round": {
      const n = typeof value === "string" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
      if (filter.name === "int") return Math.trunc(n);
      if (filter.name === "round") {
        const scale = 10 ** Math.min(Math.max(filter.digits ?? 0, 0), 6);
        return Math.round(n * scale) / scale;
      }
      return n;
    }
    case "lower":
      return String(value).toLowerCase();
    case "upper":
      return String(value).toUpperCase();
    default:
      return typeof value === "string" ? value.trim() : String(value);
  }
}
