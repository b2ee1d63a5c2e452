import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { canPin } from './machine.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = import.meta.resolve('tsx');

/** Core the servers run on; the load generator and helpers use the other one. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

/**
 * Starts `node --import tsx SCRIPT` pinned to `core` (when the machine allows it). Returns the
 * child once it printed a line `READY <json>`, with that JSON.
 */
export async function startPinned<T>(
  script: string,
  options: { core: number; env?: Record<string, string>; args?: string[] },
): Promise<{ child: ChildProcess; ready: T }> {
  const nodeArgs = ['--import', TSX, path.join(BENCH_DIR, script), ...(options.args ?? [])];
  const command = canPin() ? 'taskset' : process.execPath;
  const args = canPin() ? ['-c', String(options.core), process.execPath, ...nodeArgs] : nodeArgs;

  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const ready = await new Promise<T>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk) => {
      buffer += chunk;
      // Waits for the newline: a long READY line arrives in several chunks.
      const match = /^READY (.*)\n/m.exec(buffer);
      if (match?.[1]) resolve(JSON.parse(match[1]) as T);
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}: ${stderr}`)));
  });
  return { child, ready };
}

/** Stops a child started by startPinned and waits for it to exit. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs a script to completion on `core` with `input` as JSON on stdin and `scriptArgs` on its command
 * line, and returns its last stdout line parsed as JSON.
 */
export async function runPinned<T>(
  script: string,
  core: number,
  input: unknown,
  scriptArgs: string[] = [],
): Promise<T> {
  const nodeArgs = ['--import', TSX, path.join(BENCH_DIR, script), ...scriptArgs];
  const command = canPin() ? 'taskset' : process.execPath;
  const args = canPin() ? ['-c', String(core), process.execPath, ...nodeArgs] : nodeArgs;

  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin?.end(JSON.stringify(input));
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}
