// Fills one directory with users and groups straight through the storage layer, writing the rows
// that SCIM creates write (see insertResource in src/scim/resources/store.ts): the resource row
// with the columns of its store, a `create` event, and membership rows for groups. Rows go in as
// multi-row inserts, many per transaction, which is what makes a million users take minutes.
import { sql } from 'kysely';
import { emailKeys } from '../../src/scim/resources/email-keys.js';
import type { Executor } from '../../src/scim/resources/events.js';
import { groupStore } from '../../src/scim/resources/groups.js';
import type { ResourceStore } from '../../src/scim/resources/store.js';
import { userStore } from '../../src/scim/resources/users.js';
import { GROUP_SCHEMA } from '../../src/scim/schema/group.js';
import type { Storage } from '../../src/storage/database.js';
import { newId, nowIso } from '../../src/storage/ids.js';
import { userBody } from './people.js';

type JsonObject = Record<string, unknown>;

/** The users and groups to seed. */
export interface SeedPlan {
  users: number;
  /** Members of the large group: the first users in order. Default min(users, 100 000). */
  largeGroupMembers?: number;
  /** Small groups of `teamSize` members each, taken from the first users. Default 10. */
  teams?: number;
  /** Default 100. */
  teamSize?: number;
  /** Makes userNames and externalIds distinct from other seeds in the same directory. */
  prefix?: string;
}

/** A seeded user, with what the read cases look it up by. */
export interface SeededUser {
  id: string;
  userName: string;
  externalId: string;
  email: string;
}

export interface SeededGroup {
  id: string;
  displayName: string;
  members: number;
}

export interface SeedSummary {
  users: number;
  groups: SeededGroup[];
  /** Up to 1 000 users spread evenly over the whole range. */
  sample: SeededUser[];
  /** Ids of up to 20 000 users that are in no group (the last ones seeded). */
  outsiders: string[];
  seconds: number;
}

// Rows per INSERT statement. A user row has 10 columns, so 1 000 rows bind 10 000 parameters:
// below the limits of SQLite (32 766) and PostgreSQL (65 535).
const ROWS_PER_STATEMENT = 1000;
// Users per transaction: large enough that commits are a small part of the time.
const USERS_PER_TRANSACTION = 10_000;
const SAMPLE_SIZE = 1000;
const OUTSIDER_COUNT = 20_000;

/**
 * Seeds `plan.users` users and the groups of the plan into an existing directory. Calls
 * `onProgress` with the number of users written after each transaction.
 */
export async function seedDirectory(
  storage: Storage,
  directoryId: string,
  plan: SeedPlan,
  onProgress: (usersWritten: number) => void = () => undefined,
): Promise<SeedSummary> {
  const started = performance.now();
  const prefix = plan.prefix ?? 'seed';
  const largeGroupMembers = Math.min(plan.users, plan.largeGroupMembers ?? 100_000);
  const teams = plan.teams ?? 10;
  // Teams are drawn from the large group's members, so that the users after them stay in no group.
  const teamPool = largeGroupMembers > 0 ? largeGroupMembers : plan.users;
  const teamSize = Math.min(plan.teamSize ?? 100, Math.floor(teamPool / Math.max(teams, 1)));
  const groupedUsers = Math.max(largeGroupMembers, teams * teamSize);

  await checkDirectory(storage, directoryId);
  if (storage.dialect.name === 'sqlite') {
    // A 256 MiB page cache keeps the userName index in memory while a million rows go in.
    await sql`PRAGMA cache_size = -262144`.execute(storage.db);
  }

  const memberIds: string[] = [];
  const outsiders: string[] = [];
  const sample: SeededUser[] = [];
  const sampleEvery = Math.max(1, Math.floor(plan.users / SAMPLE_SIZE));

  for (let first = 0; first < plan.users; first += USERS_PER_TRANSACTION) {
    const count = Math.min(USERS_PER_TRANSACTION, plan.users - first);
    const batch = buildUserRows(storage, directoryId, prefix, first, count);
    await storage.db.transaction().execute(async (trx) => {
      await insertUserRows(trx, batch);
      await insertExtraUserRows(trx, batch);
    });

    batch.rows.forEach((row, offset) => {
      const index = first + offset;
      if (index < groupedUsers) memberIds.push(row.id);
      else if (index >= plan.users - OUTSIDER_COUNT) outsiders.push(row.id);
      if (index % sampleEvery === 0 && sample.length < SAMPLE_SIZE) {
        const attributes = batch.attributes[offset]!;
        sample.push({
          id: row.id,
          userName: row.user_name as string,
          externalId: row.external_id as string,
          email: (attributes.emails as Array<{ value: string }>)[0]!.value,
        });
      }
    });
    onProgress(first + count);
  }

  const groups: SeededGroup[] = [];
  if (largeGroupMembers > 0) {
    const name = `All staff (${largeGroupMembers} members)`;
    groups.push(await seedGroup(storage, directoryId, name, memberIds.slice(0, largeGroupMembers)));
  }
  for (let team = 0; team < teams && teamSize > 0; team++) {
    const members = memberIds.slice(team * teamSize, (team + 1) * teamSize);
    groups.push(await seedGroup(storage, directoryId, `${prefix} team ${team}`, members));
  }

  const seconds = (performance.now() - started) / 1000;
  return { users: plan.users, groups, sample, outsiders, seconds };
}

interface UserBatch {
  rows: Array<JsonObject & { id: string }>;
  attributes: JsonObject[];
  createdAt: string;
}

/** Builds the rows a SCIM POST of each user would write, with the attributes readUser keeps. */
function buildUserRows(
  storage: Storage,
  directoryId: string,
  prefix: string,
  first: number,
  count: number,
): UserBatch {
  const createdAt = nowIso();
  const attributes: JsonObject[] = [];
  const rows: UserBatch['rows'] = [];
  for (let index = first; index < first + count; index++) {
    const resource = userBody(prefix, index);
    attributes.push(resource);
    rows.push(resourceRow(storage, userStore, directoryId, resource, createdAt));
  }
  return { rows, attributes, createdAt };
}

async function insertUserRows(trx: Executor, batch: UserBatch): Promise<void> {
  await insertChunked(trx, 'scim_users', batch.rows);
  await insertChunked(
    trx,
    'directory_events',
    batch.rows.map((row) =>
      createEvent(row.directory_id as string, 'User', row.id, batch.createdAt),
    ),
  );
}

/**
 * Writes the rows a user create adds beside its resource row and event: the indexed
 * `emails.value` keys, built by the same function the SCIM write path uses.
 */
async function insertExtraUserRows(trx: Executor, batch: UserBatch): Promise<void> {
  const emailRows = batch.rows.flatMap((row, offset) =>
    emailKeys(batch.attributes[offset]!).map((key) => ({
      user_id: row.id,
      directory_id: row.directory_id,
      value_key: key,
    })),
  );
  await insertChunked(trx, 'scim_user_emails', emailRows);
}

/** Inserts a group with its members, as a SCIM POST of the group with `members` would. */
async function seedGroup(
  storage: Storage,
  directoryId: string,
  displayName: string,
  memberIds: readonly string[],
): Promise<SeededGroup> {
  const createdAt = nowIso();
  const attributes = {
    schemas: [GROUP_SCHEMA],
    displayName,
    externalId: `group-${displayName.toLowerCase().replace(/\W+/g, '-')}`,
  };
  const row = resourceRow(storage, groupStore, directoryId, attributes, createdAt);

  await storage.db.transaction().execute(async (trx) => {
    await insertChunked(trx, 'scim_groups', [row]);
    await insertChunked(
      trx,
      'scim_group_members',
      memberIds.map((memberId) => ({
        group_id: row.id,
        member_id: memberId,
        member_type: 'User',
        directory_id: directoryId,
        created_at: createdAt,
      })),
    );
    await insertChunked(trx, 'directory_events', [
      createEvent(directoryId, 'Group', row.id, createdAt),
    ]);
  });
  return { id: row.id, displayName, members: memberIds.length };
}

function resourceRow(
  storage: Storage,
  store: ResourceStore,
  directoryId: string,
  attributes: JsonObject,
  createdAt: string,
): JsonObject & { id: string } {
  return {
    id: newId(),
    directory_id: directoryId,
    ...store.columns(attributes),
    resource: storage.dialect.toJson(attributes),
    version: 1,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

function createEvent(directoryId: string, resourceType: 'User' | 'Group', id: string, at: string) {
  return {
    id: newId(),
    directory_id: directoryId,
    resource_type: resourceType,
    resource_id: id,
    action: 'create',
    created_at: at,
  };
}

async function insertChunked(
  trx: Executor,
  table:
    | 'scim_users'
    | 'scim_user_emails'
    | 'scim_groups'
    | 'scim_group_members'
    | 'directory_events',
  rows: readonly JsonObject[],
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await trx
      .insertInto(table)
      .values(rows.slice(start, start + ROWS_PER_STATEMENT) as never)
      .execute();
  }
}

async function checkDirectory(storage: Storage, directoryId: string): Promise<void> {
  const directory = await storage.db
    .selectFrom('directories')
    .select('id')
    .where('id', '=', directoryId)
    .executeTakeFirst();
  if (!directory) {
    throw new Error(`directory ${directoryId} not found in ${storage.location}; create it first`);
  }
}
