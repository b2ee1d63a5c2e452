// `scimd serve` in a child process, for tests that kill it with SIGKILL and start it again.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '../helpers/databases.js';
import { generateIntegratorKey, signAssertion } from '../helpers/fixtures.js';
import { requestJson } from '../helpers/http.js';
import { TEST_ADMIN_TOKEN } from '../helpers/server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Returns a port that was free a moment ago; the restart reuses it so the issuer stays the same. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `scimd serve` from the sources in a child process and waits for its URL in the log. */
export async function startServeProcess(
  database: TestDatabase,
  port: number,
): Promise<{ child: ChildProcess; url: string }> {
  const script = `const { runCli } = await import(${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))}); await runCli(['node', 'scimd', 'serve']);`;
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SCIMD_HOST: '127.0.0.1',
        SCIMD_PORT: String(port),
        SCIMD_DATA_DIR: database.dataDir,
        SCIMD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        SCIMD_LOG_LEVEL: 'info',
        ...(database.databaseUrl
          ? { SCIMD_DATABASE_URL: database.databaseUrl }
          : { SCIMD_DATABASE_URL: '' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`scimd serve exited with ${code}: ${output.slice(-2000)}`)),
    );
  });
  return { child, url };
}

export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Sets up an integrator over the admin API and returns an access token and the SCIM base URL. */
export async function setUpIntegrator(url: string) {
  const admin = (method: string, apiPath: string, body?: unknown) =>
    requestJson(`${url}/admin/v1${apiPath}`, { method, body, token: TEST_ADMIN_TOKEN });
  const orgs = await admin('GET', '/orgs');
  const orgId = orgs.body.find((org: { name: string }) => org.name === 'default').id;
  const account = await admin('POST', `/orgs/${orgId}/service-accounts`, {
    name: 'crash',
    role: 'test',
  });
  const client = await admin(
    'POST',
    `/orgs/${orgId}/service-accounts/${account.body.id}/credentials`,
    {
      name: 'crash',
      scopes: ['manage:directory'],
    },
  );
  const key = await generateIntegratorKey('ES256', 'crash-1');
  await admin('PUT', `/orgs/${orgId}/clients/${client.body.clientId}/keys`, {
    jwks: { keys: [key.publicJwk] },
  });
  const directory = await admin('POST', `/orgs/${orgId}/directories`, { name: 'crash' });
  await admin('POST', `/orgs/${orgId}/directories/${directory.body.id}/grants`, {
    serviceAccountId: account.body.id,
    role: 'manage',
  });

  const assertion = await signAssertion(key, client.body.clientId, `${url}/oauth/token`);
  const token = await requestJson(`${url}/oauth/token`, {
    method: 'POST',
    body: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    },
  });
  assert.equal(token.status, 200, JSON.stringify(token.body));
  return {
    accessToken: token.body.access_token as string,
    directoryId: directory.body.id as string,
  };
}

/** Starts `scimd ARGS` from the sources in a child process on the test database, without waiting. */
export function spawnScimd(database: TestDatabase, args: string[]): ChildProcess {
  const script = `const { runCli } = await import(${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))}); await runCli(['node', 'scimd', ...process.argv.slice(1)]);`;
  return spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script, ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        SCIMD_DATA_DIR: database.dataDir,
        SCIMD_DATABASE_URL: database.databaseUrl ?? '',
        SCIMD_LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    },
  );
}
