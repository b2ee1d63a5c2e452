import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scimd ARGS` from the TypeScript sources in a child process; `input` is its standard input. */
export function runScimd(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  const script = `const { runCli } = await import(${JSON.stringify(MAIN)}); await runCli(['node', 'scimd', ...process.argv.slice(1)]);`;
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script, ...args],
    {
      cwd: options.cwd ?? ROOT,
      env: {
        ...process.env,
        SCIMD_URL: '',
        SCIMD_ADMIN_TOKEN: '',
        SCIMD_TOKEN: '',
        SCIMD_SCIM_URL: '',
        SCIMD_CLIENT_SECRET: '',
        ...options.env,
      },
    },
  );
  child.stdin.end(options.input);
  return collectOutput(child);
}

/** Collects the output of a child process started with piped stdout and stderr until it exits. */
export function collectOutput(child: ChildProcessWithoutNullStreams): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
