import { type ChildProcess, execFileSync, spawn } from "node:child_process";

/** A notify socket like PID 1's: prints each datagram as a JSON line; closes passed fds (BARRIER=1). */
const RECEIVER = `
import socket, sys, os, array, json
addr = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\\0" + addr[1:] if addr.startswith("@") else addr)
print(json.dumps("bound"), flush=True)
while True:
    data, anc, flags, _ = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, d in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i"); fds.frombytes(d[: len(d) - (len(d) % fds.itemsize)])
            for fd in fds: os.close(fd)
    print(json.dumps(data.decode()), flush=True)
`;

export function has(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`]);
    return true;
  } catch {
    return false;
  }
}

export class Receiver {
  readonly messages: string[] = [];
  readonly #child: ChildProcess;
  readonly #bound: Promise<void>;

  constructor(address: string) {
    this.#child = spawn("python3", ["-c", RECEIVER, address], { stdio: ["ignore", "pipe", "inherit"] });
    let buffered = "";
    this.#bound = new Promise((resolve) => {
      this.#child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          const message = JSON.parse(line) as string;
          if (message === "bound") resolve();
          else this.messages.push(message);
        }
      });
    });
  }

  ready(): Promise<void> {
    return this.#bound;
  }

  /** Payloads without systemd-notify's BARRIER=1 sync messages. */
  payloads(): string[] {
    return this.messages.filter((m) => m !== "BARRIER=1");
  }

  stop(): void {
    if (this.#child.pid) process.kill(this.#child.pid);
  }
}
