import { runCli } from '../../src/cli/main.js';
import { terminal } from '../../src/cli/output.js';
import type { CliResult } from '../helpers/cli.js';

/**
 * Runs `scimd ARGS` in this process with `env` set, capturing what the kit's commands write.
 * It is much faster than a child process; commands that read standard input still need one.
 */
export async function runInProcess(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const saved = { out: terminal.out, err: terminal.err, exitCode: process.exitCode };
  const savedEnv = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  let stdout = '';
  let stderr = '';
  terminal.out = (text) => {
    stdout += text;
  };
  terminal.err = (text) => {
    stderr += text;
  };
  Object.assign(process.env, env);
  process.exitCode = 0;

  try {
    await runCli(['node', 'scimd', ...args]);
    return { code: process.exitCode ?? 0, stdout, stderr };
  } finally {
    terminal.out = saved.out;
    terminal.err = saved.err;
    process.exitCode = saved.exitCode;
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
