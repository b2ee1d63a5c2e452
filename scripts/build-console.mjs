// Builds the web console into dist/console: one bundled script, the page and its style sheet.
// It runs at install time (npm's prepare), so the console never loads anything from elsewhere.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/console');
const target = path.join(root, 'dist/console');

fs.mkdirSync(target, { recursive: true });
await build({
  entryPoints: [path.join(source, 'main.ts')],
  outfile: path.join(target, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css']) {
  fs.copyFileSync(path.join(source, file), path.join(target, file));
}
process.stdout.write(`console built into ${path.relative(root, target)}\n`);
