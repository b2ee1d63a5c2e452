import type { Storage } from '../storage/database.js';
import { nowIso } from '../storage/ids.js';

/** A directory's rule for SCIM input it does not know. */
export interface DirectoryReadOptions {
  /** Whether unknown attributes and schema URNs are rejected instead of ignored. */
  readonly strict: boolean;
}

/** Reads how a directory treats unknown input; a directory without options is lenient. */
export async function getDirectoryReadOptions(
  storage: Storage,
  directoryId: string,
): Promise<DirectoryReadOptions> {
  const row = await storage.db
    .selectFrom('scim_directory_options')
    .select('strict')
    .where('directory_id', '=', directoryId)
    .executeTakeFirst();
  return { strict: row?.strict === 1 };
}

/**
 * Turns strict mode on or off for a directory. In strict mode, unknown attributes and schema
 * URNs are rejected with 400 `invalidSyntax` instead of being ignored.
 */
export async function setDirectoryStrictMode(
  storage: Storage,
  directoryId: string,
  strict: boolean,
): Promise<void> {
  const values = { directory_id: directoryId, strict: strict ? 1 : 0, updated_at: nowIso() };
  await storage.db
    .insertInto('scim_directory_options')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .column('directory_id')
        .doUpdateSet({ strict: values.strict, updated_at: values.updated_at }),
    )
    .execute();
}
