import type { Insertable, Transaction } from 'kysely';
import type { Database } from '../../storage/database.js';
import { newId } from '../../storage/ids.js';
import { type Param, PreparedQuery } from '../../storage/prepared.js';

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
  await appendQuery.execute(trx, {
    id: newId(),
    directory_id: directoryId,
    resource_type: resourceType,
    resource_id: resourceId,
    action,
    created_at: at,
  });
}

type EventRow = Insertable<Database['directory_events']>;

/** Every SCIM write appends one event, so the insert is compiled once. */
const appendQuery = new PreparedQuery((db, param: Param<Required<EventRow>>) =>
  db.insertInto('directory_events').values({
    id: param('id'),
    directory_id: param('directory_id'),
    resource_type: param('resource_type'),
    resource_id: param('resource_id'),
    action: param('action'),
    created_at: param('created_at'),
  }),
);
