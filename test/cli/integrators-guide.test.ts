import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ScimClient, TokenSource } from '../../src/client/index.js';
import type { RunningServer } from '../../src/server/start.js';
import { type CliResult, collectOutput } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import { startTestServer, TEST_ADMIN_TOKEN } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GUIDE = path.join(ROOT, 'docs/integrators.md');
/** The address the guide's examples use; the test replaces it with the test server's. */
const GUIDE_SERVER = 'http://127.0.0.1:8080';
/** Files the guide names for its SDK scripts, by the tag of their code block. */
const SCRIPT_FILES: Record<string, string> = {
  sdk: 'provision.mjs',
  'sdk-group': 'sync-group.mjs',
};

interface CodeBlock {
  language: string;
  tag: string;
  code: string;
}

/** Reads the fenced code blocks of the guide, in order, with their language and tag. */
function readBlocks(): CodeBlock[] {
  const markdown = fs.readFileSync(GUIDE, 'utf8');
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^```(\w+)(?: ([\w-]+))?\n([\s\S]*?)^```$/gm)) {
    blocks.push({ language: match[1]!, tag: match[2] ?? '', code: match[3]! });
  }
  return blocks;
}

/**
 * Runs shell code with bash in `cwd`. `npx scimd` runs the command line from the sources, and
 * `scimd/client` resolves to the SDK sources, because the test runs without a build.
 */
function runShell(code: string, cwd: string, env: Record<string, string>): Promise<CliResult> {
  const cli = path.join(cwd, 'scimd-cli.mjs');
  fs.writeFileSync(
    cli,
    `import { runCli } from ${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))};\nawait runCli(process.argv);\n`,
  );
  const prelude = `set -euo pipefail\nnpx() { if [ "$1" = scimd ]; then shift; node ${JSON.stringify(cli)} "$@"; else command npx "$@"; fi; }\n`;

  const child = spawn('bash', ['-c', prelude + code], {
    cwd,
    env: {
      ...process.env,
      SCIMD_TOKEN: '',
      SCIMD_SCIM_URL: '',
      ...env,
      NODE_OPTIONS: `--import=${import.meta.resolve('tsx')}`,
    },
  });
  child.stdin.end();
  return collectOutput(child);
}

/** Checks whether the server implements `/Groups`, asked with a throwaway client and directory. */
async function serverHasGroups(server: RunningServer): Promise<boolean> {
  const probe = await provisionClient(server.context.storage);
  const token = await server.context.accessTokens.issue({
    clientId: probe.client.clientId,
    serviceAccountId: probe.serviceAccount.id,
    orgId: probe.orgId,
    scopes: probe.client.scopes,
  });
  const response = await fetch(`${server.url}/scim/directory/${probe.directory.id}/Groups`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status !== 501;
}

describeEachDatabase('integrators guide', (database) => {
  let server: RunningServer;
  let workDir: string;
  let blocks: CodeBlock[];
  let groupsSupported = false;

  const adapt = (code: string) => code.replaceAll(GUIDE_SERVER, server.url);
  const shell = (tags: string[]) =>
    blocks
      .filter((block) => block.language === 'sh' && tags.includes(block.tag))
      .map((block) => adapt(block.code))
      .join('\n');

  before(async () => {
    server = await startTestServer(database());
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-guide-'));
    blocks = readBlocks();
    groupsSupported = await serverHasGroups(server);

    const sdkImport = path.join(ROOT, 'src/client/index.ts');
    for (const block of blocks.filter((candidate) => candidate.language === 'js')) {
      const file = SCRIPT_FILES[block.tag];
      assert.ok(file, `the guide's js block "${block.tag}" has no script file name`);
      fs.writeFileSync(
        path.join(workDir, file),
        adapt(block.code).replaceAll("'scimd/client'", JSON.stringify(sdkImport)),
      );
    }
  });
  after(async () => {
    await server.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('every block has a known tag', () => {
    const known = [
      'key-openssl',
      'key-cli',
      'admin',
      'curl',
      'cli',
      'sdk',
      'curl-group',
      'cli-group',
      'sdk-group',
    ];
    for (const block of blocks) {
      if (block.language === 'json') continue;
      assert.ok(known.includes(block.tag), `unknown block tag "${block.tag}" (${block.language})`);
    }
  });

  test('key-cli writes a key and a JWKS', async () => {
    const keyDir = fs.mkdtempSync(path.join(workDir, 'key-cli-'));
    const result = await runShell(shell(['key-cli']), keyDir, {});

    assert.equal(result.code, 0, result.stderr);
    assert.equal(fs.statSync(path.join(keyDir, 'idp.pem')).mode & 0o777, 0o600);
    const jwks = JSON.parse(fs.readFileSync(path.join(keyDir, 'idp.jwks.json'), 'utf8'));
    assert.equal(jwks.keys[0].kid, 'idp-1');
    assert.equal(jwks.keys[0].alg, 'RS256');
  });

  test('key, admin, token, users and groups in three ways', async () => {
    const groupBlocks = groupsSupported ? ['curl-group', 'cli-group', 'sdk-group'] : [];
    const script = [
      shell(['key-openssl', 'admin', 'curl', 'cli', 'sdk']),
      // Keeps the values the admin block exported, for the checks below.
      'echo "$CLIENT_ID $SCIM_BASE_URL" > integrator.env',
      shell(groupBlocks),
    ].join('\n');
    const result = await runShell(script, workDir, {
      SCIMD_URL: server.url,
      SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    });

    assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
    assert.match(result.stdout, /"userName":\s?"grace@example\.com"/);
    assert.match(result.stdout, /ada@example\.com/);
    assert.match(result.stdout, /created alan@example\.com with id [0-9a-f-]{36}/);
    assert.match(result.stdout, /found alan@example\.com, version W\/"/);

    const scim = integratorClient();
    const names: string[] = [];
    for await (const user of scim.users.list()) names.push(user.userName);
    assert.deepEqual(names.sort(), ['ada@example.com', 'alan@example.com', 'grace@example.com']);

    if (!groupsSupported) return;
    assert.match(result.stdout, /^Engineering has 3 members$/m);
    const groups: Record<string, number> = {};
    for await (const group of scim.groups.list()) {
      groups[group.displayName] = group.members?.length ?? 0;
    }
    assert.deepEqual(groups, { Engineering: 3, Research: 2 });
  });

  test('group examples parse', async () => {
    // Without /Groups on the server the test above leaves these examples out, so at least their
    // syntax is checked here.
    const groupShell = shell(['curl-group', 'cli-group']);
    const bashCheck = spawnSync('bash', ['-n', '-c', groupShell], { encoding: 'utf8' });
    assert.equal(bashCheck.status, 0, bashCheck.stderr);

    const nodeCheck = spawnSync(
      process.execPath,
      ['--check', path.join(workDir, 'sync-group.mjs')],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(nodeCheck.status, 0, nodeCheck.stderr);
  });

  /** Builds a SCIM client with the credentials that the guide's admin block created. */
  function integratorClient(): ScimClient {
    const [line] = fs.readFileSync(path.join(workDir, 'integrator.env'), 'utf8').split('\n');
    const [clientId, scimBaseUrl] = line!.split(' ');
    const tokens = new TokenSource({
      issuer: server.url,
      clientId: clientId!,
      privateKey: fs.readFileSync(path.join(workDir, 'idp.pem'), 'utf8'),
      kid: 'idp-1',
    });
    return new ScimClient({ baseUrl: scimBaseUrl!, token: tokens });
  }
});
