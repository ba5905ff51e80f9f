/** True while a process with this PID exists (a zombie not yet reaped counts: wait for its parent). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
