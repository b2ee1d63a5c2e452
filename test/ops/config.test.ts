import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfigWithFile, unusedEnvironmentVariables } from '../../src/config/file.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { runScimd } from '../helpers/cli.js';
import { describeEachDatabase } from '../helpers/databases.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scimd-config-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeFile(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  SCIMD_PUBLIC_URL: 'https://scim.example.com',
  SCIMD_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

describe('config file', () => {
  test('yaml settings apply', () => {
    const file = writeFile('a.yaml', 'port: 9090\npublic_url: https://scim.example.com\n');
    const config = loadConfigWithFile(file, {});
    assert.equal(config.port, 9090);
    assert.equal(config.publicUrl, 'https://scim.example.com');
  });

  test('json settings apply, lists included', () => {
    const file = writeFile(
      'a.json',
      JSON.stringify({ assertion_audiences: ['https://a.example', 'https://b.example'] }),
    );
    const config = loadConfigWithFile(file, {});
    assert.deepEqual(config.assertionAudiences, ['https://a.example', 'https://b.example']);
  });

  test('environment wins over the file', () => {
    const file = writeFile('b.yaml', 'port: 9090\nlog_level: debug\n');
    const config = loadConfigWithFile(file, { SCIMD_PORT: '9191' });
    assert.equal(config.port, 9191);
    assert.equal(config.logLevel, 'debug');
  });

  test('an unknown setting is an error naming it', () => {
    const file = writeFile('c.yaml', 'port: 9090\npublik_url: https://x.example\n');
    assert.throws(() => loadConfigWithFile(file, {}), {
      name: 'ConfigError',
      message: `${file}: unknown setting publik_url`,
    });
  });

  test('an invalid value names the setting', () => {
    const file = writeFile('d.yaml', 'port: 70000\n');
    assert.throws(() => loadConfigWithFile(file, {}), {
      message: 'SCIMD_PORT must be an integer from 0 to 65535, got "70000"',
    });
  });

  test('a nested value is refused', () => {
    const file = writeFile('e.json', JSON.stringify({ host: { name: 'x' } }));
    assert.throws(() => loadConfigWithFile(file, {}), {
      message: `${file}: host must be a string, number, boolean or list of strings`,
    });
  });

  test('an upper-case key is refused', () => {
    const file = writeFile('f.json', JSON.stringify({ SCIMD_PORT: 1 }));
    assert.throws(() => loadConfigWithFile(file, {}), /setting names are lower case/);
  });

  test('broken yaml is an error naming the file', () => {
    const file = writeFile('g.yaml', 'port: [1,\n');
    assert.throws(
      () => loadConfigWithFile(file, {}),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.ok(error.message.startsWith(`${file} is not valid yaml`));
        return true;
      },
    );
  });

  test('another extension is refused', () => {
    const file = writeFile('h.toml', 'port = 1\n');
    assert.throws(() => loadConfigWithFile(file, {}), {
      message: `${file}: the settings file must end in .json, .yaml or .yml`,
    });
  });

  test('a missing file is an error', () => {
    assert.throws(() => loadConfigWithFile(path.join(dir, 'none.yaml'), {}), /cannot read/);
  });
});

describe('environment check', () => {
  test('a misspelt variable is unused', () => {
    const unused = unusedEnvironmentVariables({
      SCIMD_PORT: '1',
      SCIMD_PUBIC_URL: 'https://x',
      SCIMD_URL: 'http://127.0.0.1:8080',
      HOME: '/root',
    });
    assert.deepEqual(unused, ['SCIMD_PUBIC_URL']);
  });
});

describe('production refusals', () => {
  test('complete production settings load', () => {
    const config = loadConfig(PRODUCTION_ENV);
    assert.equal(config.ops.production, true);
  });

  test('a generated key file is refused', () => {
    assert.throws(() => loadConfig({ ...PRODUCTION_ENV, SCIMD_KEY_ENCRYPTION_KEY: '' }), {
      message:
        'NODE_ENV=production refuses development defaults: set SCIMD_KEY_ENCRYPTION_KEY instead of a generated key file',
    });
  });

  test('loopback JWKS is refused', () => {
    assert.throws(() => loadConfig({ ...PRODUCTION_ENV, SCIMD_JWKS_ALLOW_LOOPBACK: 'true' }), {
      message:
        'NODE_ENV=production refuses development defaults: SCIMD_JWKS_ALLOW_LOOPBACK must be false',
    });
  });

  test('an http public URL is refused', () => {
    assert.throws(
      () => loadConfig({ ...PRODUCTION_ENV, SCIMD_PUBLIC_URL: 'http://scim.example.com' }),
      /SCIMD_PUBLIC_URL must be an https:\/\/ URL/,
    );
  });

  test('a derived public URL is refused', () => {
    assert.throws(
      () => loadConfig({ ...PRODUCTION_ENV, SCIMD_PUBLIC_URL: '' }),
      /SCIMD_PUBLIC_URL must be an https:\/\/ URL/,
    );
  });

  test('development accepts the defaults', () => {
    const config = loadConfig({});
    assert.equal(config.ops.production, false);
  });
});

describe('ops settings', () => {
  test('defaults', () => {
    const { ops } = loadConfig({});
    assert.equal(ops.trustProxy, false);
    assert.equal(ops.shutdownTimeoutSeconds, 25);
    assert.equal(ops.metricsToken, undefined);
    assert.equal(ops.metricsPort, undefined);
    assert.equal(ops.databasePoolSize, 10);
    assert.equal(ops.auditRetentionDays, 365);
  });

  test('trust proxy as a flag', () => {
    assert.equal(loadConfig({ SCIMD_TRUST_PROXY: 'true' }).ops.trustProxy, true);
  });

  test('trust proxy as a hop count', () => {
    assert.equal(loadConfig({ SCIMD_TRUST_PROXY: '2' }).ops.trustProxy, 2);
  });

  test('trust proxy as addresses and ranges', () => {
    assert.deepEqual(loadConfig({ SCIMD_TRUST_PROXY: '10.0.0.0/8, ::1' }).ops.trustProxy, [
      '10.0.0.0/8',
      '::1',
    ]);
  });

  test('trust proxy refuses a host name', () => {
    assert.throws(() => loadConfig({ SCIMD_TRUST_PROXY: 'proxy.internal' }), {
      message:
        'SCIMD_TRUST_PROXY must be true, false, a hop count or addresses and CIDR ranges; "proxy.internal" is none of these',
    });
  });

  test('trust proxy refuses a too wide prefix', () => {
    assert.throws(() => loadConfig({ SCIMD_TRUST_PROXY: '10.0.0.0/33' }), /"10.0.0.0\/33"/);
  });

  test('a short metrics token is refused', () => {
    assert.throws(() => loadConfig({ SCIMD_METRICS_TOKEN: 'short' }), {
      message: 'SCIMD_METRICS_TOKEN must be at least 16 characters long',
    });
  });
});

describe('scimd config check', () => {
  test('prints the effective configuration with secrets masked', async () => {
    const file = writeFile(
      'check.yaml',
      [
        'port: 9090',
        'admin_token: admin-token-from-the-file-0123',
        'database_url: postgres://scimd:db-password@db.internal:5432/scimd',
        'metrics_token: metrics-token-0123456789',
      ].join('\n'),
    );
    const result = await runScimd(['config', 'check', '--config', file], {
      env: {
        SCIMD_PORT: '9191',
        SCIMD_KEY_ENCRYPTION_KEY: PRODUCTION_ENV.SCIMD_KEY_ENCRYPTION_KEY,
      },
    });
    assert.equal(result.code, 0, result.stderr);

    const shown = JSON.parse(result.stdout);
    assert.equal(shown.port, 9191);
    assert.equal(shown.adminToken, '********');
    assert.equal(shown.encryptionKey, '********');
    assert.equal(shown.ops.metricsToken, '********');
    assert.equal(shown.oauth.accessTokenAlg, 'ES256');
    assert.equal(shown.databaseUrl, 'postgres://scimd:********@db.internal:5432/scimd');
    assert.equal(result.stdout.includes('db-password'), false);
    assert.equal(result.stdout.includes('admin-token-from-the-file'), false);
    assert.equal(result.stdout.includes(PRODUCTION_ENV.SCIMD_KEY_ENCRYPTION_KEY), false);
  });

  test('warns about an unused SCIMD_ variable', async () => {
    const result = await runScimd(['config', 'check'], { env: { SCIMD_PUBIC_URL: 'https://x' } });
    assert.equal(result.code, 0);
    assert.equal(
      result.stderr,
      'scimd: warning: SCIMD_PUBIC_URL is set but is not a server setting\n',
    );
  });

  test('exits 1 with the error of an unknown setting', async () => {
    const file = writeFile('bad.yaml', 'prot: 9090\n');
    const result = await runScimd(['config', 'check', '--config', file]);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `scimd: ${file}: unknown setting prot\n`);
  });

  test('serve refuses development defaults in production', async () => {
    const result = await runScimd(['serve'], {
      env: { NODE_ENV: 'production', SCIMD_PORT: '0', SCIMD_DATA_DIR: dir },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^scimd: NODE_ENV=production refuses development defaults: /);
  });
});

describeEachDatabase('scimd migrate with a settings file', (database) => {
  test('migrates the database the file names', async () => {
    const settings: Record<string, string> = { data_dir: database().dataDir };
    if (database().databaseUrl) settings.database_url = database().databaseUrl as string;
    const file = writeFile(`migrate-${Date.now()}.json`, JSON.stringify(settings));

    const first = await runScimd(['migrate', '--config', file]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /: ran 0001-initial, .*0004-audit/);

    const second = await runScimd(['migrate', '--config', file]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /: already up to date\n$/);
  });
});
