// Runs every test/**/*.test.ts file with Node's test runner. Node 20's `--test` does not expand
// glob patterns itself, so this script lists the files. Arguments are passed to the runner, and a
// path argument (ending in .ts) replaces the full list.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function listTests(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listTests(full);
      return entry.name.endsWith('.test.ts') ? [full] : [];
    })
    .sort();
}

const args = process.argv.slice(2);
const chosen = args.filter((arg) => arg.endsWith('.ts'));
const options = args.filter((arg) => !arg.endsWith('.ts'));
const files = chosen.length > 0 ? chosen : listTests('test');

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...options, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
