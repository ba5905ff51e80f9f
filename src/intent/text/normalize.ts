// The normalisation lives in util/ so the config schema can compare device names the same way
// (two devices a person would name alike are a config error); the intent stage imports it here.
export { normalizeText, tokenize } from "../../util/words.js";
