/**
 * The words of 0..19 and of the tens 20..90, in order, as Whisper spells them. Shared by the
 * intent stage (reading numbers, the sentence space) and speech-to-text (the number check
 * writes a command's other values), which may not import each other.
 */
export const UNIT_WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
] as const;
export const TENS_WORDS = [
  "twenty",
  "thirty",
  "forty",
  "fifty",
  "sixty",
  "seventy",
  "eighty",
  "ninety",
] as const;
