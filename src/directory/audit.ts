import type { Insertable } from 'kysely';
import type { Storage } from '../storage/database.js';
import { newId, nowIso } from '../storage/ids.js';
import type { AuditEventTable } from '../storage/schema.js';
import { InvalidFieldError } from './errors.js';

/** Kind of actor that performed an audited action. */
export type AuditActorType = 'admin' | 'client' | 'system' | 'anonymous';

export type AuditOutcome = 'success' | 'failure';

/** Input of `recordAuditEvent`, which adds the time and the id. */
export interface AuditEventInput {
  orgId: string | null;
  actorType: AuditActorType;
  /** Admin user id or `admin-token`, OAuth client_id, or the name of a command. */
  actor: string;
  /** Dotted name such as `service_account.create`, `token.issue`, `scim.user.create`. */
  action: string;
  directoryId?: string | null;
  /** Target ids by kind, such as `{ clientId: "…" }`; never attribute values. */
  targets?: Record<string, string>;
  outcome: AuditOutcome;
  /** Error code of a failure. */
  reason?: string | null;
  requestId?: string | null;
}

/** One stored audit event, as the admin API and the export show it. */
export interface AuditEvent {
  id: string;
  time: string;
  orgId: string | null;
  actorType: string;
  actor: string;
  action: string;
  directoryId: string | null;
  targets: Record<string, string>;
  outcome: string;
  reason: string | null;
  requestId: string | null;
}

/**
 * Appends one event to the audit log. The log is append-only: nothing updates a row, and only
 * `pruneAuditEvents` deletes, by age.
 */
export async function recordAuditEvent(storage: Storage, event: AuditEventInput): Promise<void> {
  await storage.db.insertInto('audit_events').values(toAuditRow(event)).execute();
}

/**
 * Appends several events in one statement, such as those of the operations of a SCIM Bulk
 * request. Takes at most MAX_AUDIT_BATCH events.
 */
export async function recordAuditEvents(
  storage: Storage,
  events: readonly AuditEventInput[],
): Promise<void> {
  await recordAuditRows(storage, events.map(toAuditRow));
}

/** Maximum number of events written by one insert; 12 columns each stay under every bind limit. */
export const MAX_AUDIT_BATCH = 500;

/**
 * Appends several events in one multi-row insert, so that they commit together: all of them or
 * none. Takes at most MAX_AUDIT_BATCH rows, made by `toAuditRow` when each event happened.
 */
export async function recordAuditRows(storage: Storage, rows: AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  // A transaction, so that on SQLite the rows commit in one group with other requests' writes.
  await storage.db
    .transaction()
    .execute((trx) => trx.insertInto('audit_events').values(rows).execute());
}

/** A row of the audit table, ready to insert. */
export type AuditRow = Insertable<AuditEventTable>;

/** Builds the row of an event, with its id and time taken now. */
export function toAuditRow(event: AuditEventInput): AuditRow {
  const targets = event.targets ?? {};
  return {
    id: newId(),
    org_id: event.orgId,
    actor_type: event.actorType,
    actor: event.actor.slice(0, 200),
    action: event.action.slice(0, 100),
    directory_id: event.directoryId ?? null,
    target: Object.values(targets)[0]?.slice(0, 200) ?? null,
    targets: Object.keys(targets).length > 0 ? JSON.stringify(targets) : null,
    outcome: event.outcome,
    reason: event.reason?.slice(0, 100) ?? null,
    request_id: event.requestId?.slice(0, 200) ?? null,
    created_at: nowIso(),
  };
}

/** Filters of an audit query; every one is optional. `since` is inclusive, `until` exclusive. */
export interface AuditQuery {
  orgId?: string;
  action?: string;
  actorType?: string;
  actor?: string;
  directoryId?: string;
  outcome?: string;
  since?: string;
  until?: string;
  /** Id of the last event of the previous page; the next page contains older events. */
  cursor?: string;
  /** Page size, 1 to 1000. */
  limit: number;
}

/** Returns one page of events, newest first, and the cursor of the next page when there is one. */
export async function listAuditEvents(
  storage: Storage,
  query: AuditQuery,
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  let select = storage.db.selectFrom('audit_events').selectAll();
  if (query.orgId !== undefined) select = select.where('org_id', '=', query.orgId);
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (query.actorType !== undefined) select = select.where('actor_type', '=', query.actorType);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.directoryId !== undefined)
    select = select.where('directory_id', '=', query.directoryId);
  if (query.outcome !== undefined) select = select.where('outcome', '=', query.outcome);
  if (query.since !== undefined) select = select.where('created_at', '>=', query.since);
  if (query.until !== undefined) select = select.where('created_at', '<', query.until);
  if (query.cursor !== undefined) select = select.where('id', '<', query.cursor);

  // Fetching one row more than the page shows whether another page follows.
  const rows = await select
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map(toAuditEvent),
    nextCursor: rows.length > query.limit && last ? last.id : null,
  };
}

/** Deletes the events created before `before` (ISO 8601); returns how many it deleted. */
export async function pruneAuditEvents(storage: Storage, before: string): Promise<number> {
  const result = await storage.db
    .deleteFrom('audit_events')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Checks an ISO 8601 time filter and returns it in the stored form (UTC, milliseconds). */
export function parseAuditTime(field: string, value: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new InvalidFieldError(field, 'must be an ISO 8601 time such as 2026-01-31T00:00:00Z');
  }
  return new Date(time).toISOString();
}

function toAuditEvent(row: {
  id: string;
  created_at: string;
  org_id: string | null;
  actor_type: string;
  actor: string;
  action: string;
  directory_id: string | null;
  targets: string | null;
  outcome: string;
  reason: string | null;
  request_id: string | null;
}): AuditEvent {
  return {
    id: row.id,
    time: row.created_at,
    orgId: row.org_id,
    actorType: row.actor_type,
    actor: row.actor,
    action: row.action,
    directoryId: row.directory_id,
    targets: row.targets ? (JSON.parse(row.targets) as Record<string, string>) : {},
    outcome: row.outcome,
    reason: row.reason,
    requestId: row.request_id,
  };
}
