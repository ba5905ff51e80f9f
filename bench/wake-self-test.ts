// What the wake word's start-up self-test (wake/self-test.ts) adds to loading it: the
// default detector (hey_jarvis) loaded with wake.self_test on and off, and a custom-only
// config (which loads the hey_jarvis canary beside it), interleaved so load on the machine
// falls on each alike. Prints the medians and the self-test's cost against the plain load.
//
//   nice -n 10 npx tsx bench/wake-self-test.ts [ROUNDS]
import { configSchema } from "../src/config/schema.js";
import { ModelStore } from "../src/models/store.js";
import { silentLogger } from "../src/util/logger.js";
import { createWakeWordDetector } from "../src/wake/create.js";

const ROUNDS = Number(process.argv[2] ?? 7);
const store = new ModelStore({ modelsDir: "models", cacheFile: null });
const jarvisFile = Object.values((await store.verify("hey_jarvis")).paths)[0] as string;
const variants = {
  "hey_jarvis, self-test off": { self_test: false },
  "hey_jarvis, self-test on": { self_test: true },
  "custom model, self-test off": { self_test: false, models: [{ id: "mine", path: jarvisFile }] },
  "custom model, self-test on (canary)": { self_test: true, models: [{ id: "mine", path: jarvisFile }] },
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));

// One load first: the files' pages and onnxruntime's own start-up land on no variant.
await (await createWakeWordDetector(configSchema.parse({}), store, silentLogger())).dispose();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, wake] of Object.entries(variants)) {
    const started = performance.now();
    const detector = await createWakeWordDetector(configSchema.parse({ wake }), store, silentLogger());
    times[name]?.push(performance.now() - started);
    await detector.dispose();
  }
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
for (const [name, list] of Object.entries(times))
  console.log(`${name.padEnd(38)} median ${median(list).toFixed(0)} ms`);
for (const kind of ["hey_jarvis", "custom model"]) {
  const off = median(times[`${kind}, self-test off`] as number[]);
  const on = median(Object.entries(times).find(([k]) => k.startsWith(`${kind}, self-test on`))?.[1] ?? []);
  console.log(
    `${kind}: the self-test adds ${(on - off).toFixed(0)} ms (${(on / off).toFixed(2)}x the plain load)`,
  );
}
