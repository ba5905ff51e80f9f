// What the wake word's start-up self-test (wake/self-test.ts) adds to loading it: the
// default detector (hey_jarvis) loaded with wake.self_test on and off, and a custom-only
// config (which loads the hey_jarvis canary beside it), interleaved so load on the machine
// falls on each alike. Prints the medians of wall time and of CPU time (user + system, this
// process: steadier than wall time when other work shares the cores) and the self-test's cost
// against the plain load.
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
const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));

// One load first: the files' pages and onnxruntime's own start-up land on no variant.
await (await createWakeWordDetector(configSchema.parse({}), store, silentLogger(), { env: {} })).dispose();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, wake] of Object.entries(variants)) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const detector = await createWakeWordDetector(configSchema.parse({ wake }), store, silentLogger(), {
      env: {},
    });
    times[name]?.push(performance.now() - started);
    const used = process.cpuUsage(usage);
    cpu[name]?.push((used.user + used.system) / 1000);
    await detector.dispose();
  }
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;
for (const name of Object.keys(variants)) {
  const wall = median(times[name] as number[]).toFixed(0);
  console.log(
    `${name.padEnd(38)} median ${wall} ms wall, ${median(cpu[name] as number[]).toFixed(0)} ms CPU`,
  );
}
for (const kind of ["hey_jarvis", "custom model"]) {
  for (const [label, table] of [
    ["wall", times],
    ["CPU", cpu],
  ] as const) {
    const off = median(table[`${kind}, self-test off`] as number[]);
    const on = median(Object.entries(table).find(([k]) => k.startsWith(`${kind}, self-test on`))?.[1] ?? []);
    console.log(
      `${kind}: the self-test adds ${(on - off).toFixed(0)} ms ${label} (${(on / off).toFixed(2)}x the plain load)`,
    );
  }
}
