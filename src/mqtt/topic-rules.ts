/** MQTT's limit on a topic: a UTF-8 string with a 16-bit length prefix. */
const MAX_TOPIC_BYTES = 65_535;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a broker would refuse a publish to `topic` (MQTT 5 section 4.7, 3.1.1 section 4.7), or
 * null when it is fine. Checked before sending: Mosquitto answers such a publish by dropping
 * the connection, and a message resent after every reconnect would stall the queue for good.
 */
export function publishTopicProblem(topic: string): string | null {
  if (topic.length === 0) return "empty topic";
  // NUL is forbidden; Mosquitto refuses the other C0/C1 control characters as malformed UTF-8 too.
  if (CONTROL.test(topic)) return "topic contains a control character (NUL, U+0001-U+001F, U+007F-U+009F)";
  if (/[#+]/.test(topic)) return "wildcards (+, #) are not allowed in a published topic";
  if (LONE_SURROGATE.test(topic)) return "topic is not valid UTF-8 (lone surrogate)";
  if (Buffer.byteLength(topic) > MAX_TOPIC_BYTES) return `topic longer than ${MAX_TOPIC_BYTES} bytes`;
  return null;
}
