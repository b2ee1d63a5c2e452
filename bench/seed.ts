// `npm run seed -- --database <sqlite file or data directory | postgres://…> --directory <id>
// --users N`: fills an existing directory with N users and some groups through the storage layer.
// Options:
//   --large-group N  members of the large group (default min(N, 100000))
//   --prefix WORD    prefix of the seeded userNames and externalIds (default "seed")
//   --json           print the summary (ids of sample users and groups) as one JSON line
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStorage, SQLITE_FILE_NAME, type Storage } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { seedDirectory } from './lib/seed-store.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    directory: { type: 'string' },
    users: { type: 'string' },
    'large-group': { type: 'string' },
    prefix: { type: 'string' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const USAGE = `Usage: npm run seed -- --database <sqlite file or data directory | postgres://...>
       --directory <directory id> --users <count> [--large-group <members>] [--prefix <word>] [--json]
Fills an existing directory with users and groups through the storage layer.
`;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function fail(message: string): never {
  process.stderr.write(`seed: ${message}\n${USAGE}`);
  process.exit(2);
}

/** Opens a PostgreSQL URL, or a SQLite data directory or the scimd.sqlite file inside one. */
function openDatabase(location: string): Storage {
  if (/^postgres(ql)?:\/\//.test(location)) {
    return openStorage({ databaseUrl: location, dataDir: '.', poolSize: 2 });
  }
  if (fs.existsSync(location) && fs.statSync(location).isDirectory()) {
    return openStorage({ databaseUrl: undefined, dataDir: location });
  }
  if (path.basename(location) === SQLITE_FILE_NAME) {
    return openStorage({ databaseUrl: undefined, dataDir: path.dirname(location) });
  }
  fail(
    `--database ${location} is neither a postgres:// URL nor a data directory or ${SQLITE_FILE_NAME}`,
  );
}

function readCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) fail(`--${name} must be a whole number, got ${value}`);
  return count;
}

if (!values.database) fail('--database is missing');
if (!values.directory) fail('--directory is missing');
const users = readCount('users', values.users);
if (users === undefined) fail('--users is missing');

const storage = openDatabase(values.database);
try {
  await migrateToLatest(storage);
  const summary = await seedDirectory(
    storage,
    values.directory,
    {
      users,
      largeGroupMembers: readCount('large-group', values['large-group']),
      prefix: values.prefix,
    },
    (written) => {
      if (written % 100_000 === 0 || written === users) {
        process.stderr.write(`seed: ${written} of ${users} users written\n`);
      }
    },
  );
  process.stderr.write(
    `seed: ${summary.users} users and ${summary.groups.length} groups in ${summary.seconds.toFixed(1)} s (${Math.round(summary.users / summary.seconds)} users/s) into ${storage.location}\n`,
  );
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (error) {
  process.stderr.write(`seed: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await storage.close();
}
