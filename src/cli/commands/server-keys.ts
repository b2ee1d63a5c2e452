import { type Command, Option } from 'commander';
import { loadConfig } from '../../config/index.js';
import { loadSecretBox } from '../../oauth/encryption.js';
import { SERVER_KEY_ALGORITHMS, ServerKeyStore } from '../../oauth/server-keys.js';
import { openStorage } from '../../storage/database.js';
import { migrateToLatest } from '../../storage/migrate.js';

/**
 * Adds `scimd keys rotate` to the `keys` command: a new server signing key, published at once and
 * signing after the publish delay, while the old key stays published until its tokens expire.
 * It writes to the database, so every process of the deployment picks it up.
 */
export function registerServerKeys(program: Command): void {
  const keys =
    program.commands.find((command) => command.name() === 'keys') ??
    program.command('keys').description('signing keys');

  keys
    .command('rotate')
    .description("rotate the server's access-token signing key")
    .addOption(
      new Option(
        '--alg <alg>',
        'algorithm of the new key (default: SCIMD_ACCESS_TOKEN_ALG)',
      ).choices(SERVER_KEY_ALGORITHMS),
    )
    .option(
      '--publish-seconds <seconds>',
      'time between publishing the new key and signing with it (default: SCIMD_KEY_PUBLISH_SECONDS)',
    )
    .action(async (options: { alg?: string; publishSeconds?: string }) => {
      const config = loadConfig();
      const publishSeconds = readSeconds(options.publishSeconds, config.oauth.keyPublishSeconds);

      const storage = openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrateToLatest(storage);
        const store = new ServerKeyStore(storage, loadSecretBox(config), {
          alg: config.oauth.accessTokenAlg,
        });
        await store.initialize();
        const result = await store.rotate({
          alg: options.alg,
          publishSeconds,
          // Tokens signed by the old key up to the switch stay verifiable until they expire.
          retireAfterSeconds: config.accessTokenTtlSeconds + config.clockSkewSeconds,
        });

        const lines = [
          `new key ${result.kid} (${result.alg}) is published now and signs from ${result.signsFrom}`,
          ...result.retiring.map(
            (key) => `key ${key.kid} stops signing then and is unpublished at ${key.retiresAt}`,
          ),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        await storage.close();
      }
    });
}

function readSeconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 86400) {
    throw new Error(`--publish-seconds must be an integer from 0 to 86400, got "${value}"`);
  }
  return seconds;
}
