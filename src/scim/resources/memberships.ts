import type { Kysely } from 'kysely';
import type { Database } from '../../storage/database.js';
import { nowIso } from '../../storage/ids.js';
import { type Param, PreparedQuery } from '../../storage/prepared.js';
import { ScimError } from '../errors.js';
import { matchesValueFilter } from '../filter/value-filter.js';
import type { MemberChange } from '../patch/apply.js';
import type { MemberInput } from '../patch/members.js';
import { isStorableText } from '../text.js';
import { appendEvent, type Executor } from './events.js';

/** A member as the Group resource shows it. */
export interface GroupMember {
  value: string;
  type: 'User' | 'Group';
  display?: string;
}

/** A group the User resource shows in `groups`. */
export interface UserGroup {
  value: string;
  display: string;
  type: 'direct' | 'indirect';
}

// Keeps `IN (…)` lists well below the bind-parameter limits of both databases.
const CHUNK = 500;

/**
 * Applies membership changes to one group. Members are checked to exist in the directory first.
 * Returns whether any row changed. Each change touches only the rows it names.
 */
export async function applyMemberChanges(
  trx: Executor,
  directoryId: string,
  groupId: string,
  changes: readonly MemberChange[],
): Promise<boolean> {
  let changed = false;
  for (const change of changes) {
    switch (change.kind) {
      case 'add':
        changed = (await addMembers(trx, directoryId, groupId, change.members)) || changed;
        break;
      case 'replace':
        changed = (await removeAllMembers(trx, groupId)) || changed;
        changed = (await addMembers(trx, directoryId, groupId, change.members)) || changed;
        break;
      case 'remove':
        changed = (await removeMembers(trx, groupId, change.ids)) || changed;
        break;
      case 'removeAll':
        changed = (await removeAllMembers(trx, groupId)) || changed;
        break;
      case 'removeMatching': {
        const rows = await trx
          .selectFrom('scim_group_members')
          .select(['member_id', 'member_type'])
          .where('group_id', '=', groupId)
          .execute();
        const ids = rows
          .filter((row) =>
            matchesValueFilter(change.filter, { value: row.member_id, type: row.member_type }),
          )
          .map((row) => row.member_id);
        if (ids.length === 0) {
          throw ScimError.of('noTarget', `the filter of ${change.label} matches no member`);
        }
        changed = (await removeMembers(trx, groupId, ids)) || changed;
        break;
      }
    }
  }
  return changed;
}

/** Adds members, skipping those already present; a member id unknown in the directory is 400. */
async function addMembers(
  trx: Executor,
  directoryId: string,
  groupId: string,
  members: readonly MemberInput[],
): Promise<boolean> {
  const resolved = await resolveMembers(trx, directoryId, groupId, members);
  const now = nowIso();
  let added = 0;

  for (let start = 0; start < resolved.length; start += CHUNK) {
    const rows = resolved.slice(start, start + CHUNK).map((member) => ({
      group_id: groupId,
      member_id: member.value,
      member_type: member.type,
      directory_id: directoryId,
      created_at: now,
    }));
    const result = await trx
      .insertInto('scim_group_members')
      .values(rows)
      .onConflict((conflict) => conflict.columns(['group_id', 'member_id']).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return added > 0;
}

async function removeMembers(trx: Executor, groupId: string, ids: readonly string[]) {
  let removed = 0;
  for (let start = 0; start < ids.length; start += CHUNK) {
    const result = await trx
      .deleteFrom('scim_group_members')
      .where('group_id', '=', groupId)
      .where('member_id', 'in', ids.slice(start, start + CHUNK))
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed > 0;
}

async function removeAllMembers(trx: Executor, groupId: string): Promise<boolean> {
  const result = await trx
    .deleteFrom('scim_group_members')
    .where('group_id', '=', groupId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Finds each member in the directory. A member without `type` is read as a user, and as a group
 * when no user has that id. A group may not contain itself.
 */
async function resolveMembers(
  trx: Executor,
  directoryId: string,
  groupId: string,
  members: readonly MemberInput[],
): Promise<{ value: string; type: 'User' | 'Group' }[]> {
  const ids = [...new Set(members.map((member) => member.value))].filter(isStorableText);
  const users = await existingIds(trx, 'scim_users', directoryId, ids);
  const groups = await existingIds(trx, 'scim_groups', directoryId, ids);

  const resolved = new Map<string, 'User' | 'Group'>();
  members.forEach((member, index) => {
    const isUser = users.has(member.value) && member.type !== 'Group';
    const isGroup = groups.has(member.value) && member.type !== 'User';
    if (!isUser && !isGroup) {
      const what = member.type ?? 'user or group';
      throw ScimError.of(
        'invalidValue',
        `members[${index}].value ${JSON.stringify(member.value)} is not a ${what} of this directory`,
      );
    }
    if (member.value === groupId) {
      throw ScimError.of('invalidValue', `members[${index}].value is the group itself`);
    }
    resolved.set(member.value, isUser ? 'User' : 'Group');
  });
  return [...resolved].map(([value, type]) => ({ value, type }));
}

// TODO: the member rows are read without a lock, so a user deleted by a concurrent request between
// this check and the insert can leave a membership row that names no resource.
async function existingIds(
  trx: Executor,
  table: 'scim_users' | 'scim_groups',
  directoryId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = await trx
      .selectFrom(table)
      .select('id')
      .where('directory_id', '=', directoryId)
      .where('id', 'in', ids.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** Lists a group's members with their display names, in the order they were added. */
export async function listMembers(db: Kysely<Database>, groupId: string): Promise<GroupMember[]> {
  const rows = await db
    .selectFrom('scim_group_members as m')
    .leftJoin('scim_users as u', 'u.id', 'm.member_id')
    .leftJoin('scim_groups as g', 'g.id', 'm.member_id')
    .select([
      'm.member_id',
      'm.member_type',
      'u.display_name',
      'u.user_name',
      'g.display_name as group_name',
    ])
    .where('m.group_id', '=', groupId)
    .orderBy('m.created_at')
    .orderBy('m.member_id')
    .execute();

  return rows.map((row) => {
    const display =
      row.member_type === 'Group' ? row.group_name : (row.display_name ?? row.user_name);
    return {
      value: row.member_id,
      type: row.member_type === 'Group' ? 'Group' : 'User',
      ...(display ? { display } : {}),
    };
  });
}

/**
 * Lists the groups a user or group belongs to: directly, and indirectly through nested groups.
 */
export async function listMemberOf(db: Kysely<Database>, memberId: string): Promise<UserGroup[]> {
  return (await listMemberOfMany(db, [memberId])).get(memberId) ?? [];
}

/** The groups one user or group is a direct member of; a single user's read runs it. */
const parentsOfOne = new PreparedQuery((db, param: Param<{ memberId: string }>) =>
  db
    .selectFrom('scim_group_members as m')
    .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
    .select(['m.member_id', 'm.group_id', 'g.display_name'])
    .where('m.member_id', '=', param('memberId')),
);

/**
 * Lists the groups of several users or groups at once, so that a page of users costs one query
 * per nesting level instead of one per user. Walking up stops at groups already seen, so cycles
 * end.
 */
export async function listMemberOfMany(
  db: Kysely<Database>,
  memberIds: readonly string[],
): Promise<Map<string, UserGroup[]>> {
  const parents = new Map<string, { id: string; display: string }[]>();
  const expanded = new Set<string>();
  let frontier = [...new Set(memberIds)];

  while (frontier.length > 0) {
    for (const id of frontier) expanded.add(id);
    const next = new Set<string>();
    for (let start = 0; start < frontier.length; start += CHUNK) {
      const rows =
        frontier.length === 1
          ? await parentsOfOne.execute(db, { memberId: frontier[0]! })
          : await db
              .selectFrom('scim_group_members as m')
              .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
              .select(['m.member_id', 'm.group_id', 'g.display_name'])
              .where('m.member_id', 'in', frontier.slice(start, start + CHUNK))
              .execute();
      for (const row of rows) {
        const list = parents.get(row.member_id) ?? [];
        list.push({ id: row.group_id, display: row.display_name });
        parents.set(row.member_id, list);
        if (!expanded.has(row.group_id)) next.add(row.group_id);
      }
    }
    frontier = [...next];
  }

  const result = new Map<string, UserGroup[]>();
  for (const memberId of memberIds) {
    const groups = new Map<string, UserGroup>();
    let level = [memberId];
    let type: UserGroup['type'] = 'direct';
    while (level.length > 0) {
      const nextLevel: string[] = [];
      for (const child of level) {
        for (const parent of parents.get(child) ?? []) {
          if (groups.has(parent.id) || parent.id === memberId) continue;
          groups.set(parent.id, { value: parent.id, display: parent.display, type });
          nextLevel.push(parent.id);
        }
      }
      level = nextLevel;
      type = 'indirect';
    }
    result.set(memberId, [...groups.values()]);
  }
  return result;
}

/**
 * Removes a deleted user or group from every group it belongs to. Those groups move to a new
 * version and get an `update` event, because their membership changed.
 */
export async function removeFromAllGroups(
  trx: Executor,
  directoryId: string,
  memberId: string,
  now: string,
): Promise<void> {
  const parents = await trx
    .selectFrom('scim_group_members')
    .select('group_id')
    .where('directory_id', '=', directoryId)
    .where('member_id', '=', memberId)
    .execute();
  if (parents.length === 0) return;

  const groupIds = parents.map((row) => row.group_id);
  for (let start = 0; start < groupIds.length; start += CHUNK) {
    await trx
      .updateTable('scim_groups')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('id', 'in', groupIds.slice(start, start + CHUNK))
      .execute();
  }
  await trx
    .deleteFrom('scim_group_members')
    .where('directory_id', '=', directoryId)
    .where('member_id', '=', memberId)
    .execute();

  for (const groupId of groupIds) {
    await appendEvent(trx, directoryId, 'Group', groupId, 'update', now);
  }
}
