/**
 * Which process trains a run: the worker's pid in `<run dir>/worker.pid`, so a
 * workstation that starts while a run is marked 'running' can tell a live
 * worker (another window, the CLI, a worker still writing its last
 * checkpoint) from one that is gone (the run was interrupted).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PID_FILE = 'worker.pid';

export function writeWorkerPid(runDir: string, pid: number): void {
  const path = join(runDir, PID_FILE);
  writeFileSync(`${path}.tmp`, String(pid));
  renameSync(`${path}.tmp`, path);
}

export function readWorkerPid(runDir: string): number | null {
  const path = join(runDir, PID_FILE);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * True while `pid` is a training worker. Where /proc exists its command line
 * must name the worker, so a pid reused by another program after a reboot
 * does not keep a run 'running' forever.
 */
export function isWorkerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, owned by someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes('train-worker');
  } catch {
    return false;
  }
}

/** The run's worker is still running (its pid file names a live worker). */
export function runWorkerAlive(runDir: string): boolean {
  const pid = readWorkerPid(runDir);
  return pid !== null && isWorkerAlive(pid);
}

/** Whether `pid` is still the run's worker: false once another workstation has resumed the run with a worker of its own. */
export function workerOwnsRun(runDir: string, pid: number | undefined): boolean {
  return pid !== undefined && readWorkerPid(runDir) === pid;
}
