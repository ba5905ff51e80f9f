export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Colours people name, as the RGB a JSON-schema light takes (CSS values, warm white added). */
const NAMED: Record<string, Rgb> = {
  red: { r: 255, g: 0, b: 0 },
  green: { r: 0, g: 128, b: 0 },
  blue: { r: 0, g: 0, b: 255 },
  yellow: { r: 255, g: 255, b: 0 },
  orange: { r: 255, g: 165, b: 0 },
  purple: { r: 128, g: 0, b: 128 },
  violet: { r: 238, g: 130, b: 238 },
  pink: { r: 255, g: 192, b: 203 },
  magenta: { r: 255, g: 0, b: 255 },
  cyan: { r: 0, g: 255, b: 255 },
  turquoise: { r: 64, g: 224, b: 208 },
  white: { r: 255, g: 255, b: 255 },
  "warm white": { r: 255, g: 214, b: 170 },
  brown: { r: 165, g: 42, b: 42 },
  gold: { r: 255, g: 215, b: 0 },
  lime: { r: 0, g: 255, b: 0 },
  indigo: { r: 75, g: 0, b: 130 },
};

/** A colour slot (a name, or an {r,g,b} object) as RGB; null when it is neither. */
export function colorToRgb(value: unknown): Rgb | null {
  if (typeof value === "string") return NAMED[value.trim().toLowerCase()] ?? null;
  if (value && typeof value === "object") {
    const { r, g, b } = value as Record<string, unknown>;
    if ([r, g, b].every((c) => typeof c === "number" && c >= 0 && c <= 255))
      return { r: r as number, g: g as number, b: b as number };
  }
  return null;
}
