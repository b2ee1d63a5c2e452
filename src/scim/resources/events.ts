import type { Transaction } from 'kysely';
import type { Database } from '../../storage/database.js';
import { newId } from '../../storage/ids.js';

export type Executor = Transaction<Database>;

/** Appends a change-feed row in the transaction that makes the change. */
export async function appendEvent(
  trx: Executor,
  directoryId: string,
  resourceType: 'User' | 'Group',
  resourceId: string,
  action: 'create' | 'update' | 'delete',
  at: string,
): Promise<void> {
  await trx
    .insertInto('directory_events')
    .values({
      id: newId(),
      directory_id: directoryId,
      resource_type: resourceType,
      resource_id: resourceId,
      action,
      created_at: at,
    })
    .execute();
}
