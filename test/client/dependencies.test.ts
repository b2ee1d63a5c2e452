import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/client');

test('SDK imports only jose and Node built-ins', () => {
  for (const file of fs.readdirSync(CLIENT_DIR).filter((name) => name.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(CLIENT_DIR, file), 'utf8');
    for (const match of source.matchAll(/from '([^']+)'/g)) {
      const specifier = match[1]!;
      const allowed =
        specifier === 'jose' || specifier.startsWith('node:') || /^\.\/[\w-]+\.js$/.test(specifier);
      assert.ok(allowed, `${file} imports ${specifier}`);
    }
  }
});
