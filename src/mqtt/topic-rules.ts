/** MQTT's limit on a topic name: a two-byte length prefix. */
const MAX_TOPIC_BYTES = 65_535;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why `topic` cannot be published to, or null when it can (MQTT 3.1.1 / 5, section 4.7).
 * A topic from the network (Home Assistant discovery) is checked before it is learned: a
 * NUL makes the broker drop the connection, a wildcard is refused, one over 64 KiB stalls
 * the client, and every one of those would hold up the whole outbox behind it.
 */
export function publishTopicProblem(topic: string): string | null {
  if (topic.length === 0) return "empty topic";
  if (topic.includes("+") || topic.includes("#")) return "wildcard (+ or #) in a topic to publish to";
  if (hasControlCharacter(topic)) return "control character in the topic";
  if (LONE_SURROGATE.test(topic)) return "topic is not valid UTF-8";
  if (Buffer.byteLength(topic, "utf8") > MAX_TOPIC_BYTES) return `topic longer than ${MAX_TOPIC_BYTES} bytes`;
  return null;
}

/** MQTT forbids U+0000 and says topics should not contain U+0001-U+001F or U+007F-U+009F. */
function hasControlCharacter(topic: string): boolean {
  for (let i = 0; i < topic.length; i++) {
    const code = topic.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}
