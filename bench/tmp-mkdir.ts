import { createDirectory } from '../src/directory/directories.js';
import { createOrganization } from '../src/directory/organizations.js';
import { openStorage } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';

const url = process.argv[2]!;
const storage = url.startsWith('postgres')
  ? openStorage({ databaseUrl: url, dataDir: '.' })
  : openStorage({ databaseUrl: undefined, dataDir: url });
await migrateToLatest(storage);
const org = await createOrganization(storage, `o-${Date.now()}`);
const d = await createDirectory(storage, org.id, 'x');
console.log(d.id);
await storage.close();
