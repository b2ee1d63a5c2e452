import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** What a result was measured on; recorded with every run. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  pinned: boolean;
  /** One-minute load average when the run started. Other work on the machine skews results. */
  loadAverage?: number;
}

/** Whether servers and the load generator can be pinned to different cores with taskset. */
export function canPin(): boolean {
  if (os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    pinned: canPin(),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
