import type { FastifyPluginAsync } from 'fastify';
import { type AuditQuery, listAuditEvents, parseAuditTime } from '../../directory/audit.js';
import { InvalidFieldError } from '../../directory/errors.js';
import { getOrganization } from '../../directory/organizations.js';
import { rejectUnknownFields } from '../../directory/validation.js';
import type { AppContext } from '../../server/context.js';

type OrgParams = { orgId: string };

const TEXT_FILTERS = ['action', 'actorType', 'actor', 'directoryId', 'outcome'] as const;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The audit log of an organization, newest first, filtered and paged by cursor. */
export const auditRoutes: FastifyPluginAsync<{ context: AppContext }> = async (
  app,
  { context },
) => {
  app.get<{ Params: OrgParams; Querystring: Record<string, unknown> }>(
    '/orgs/:orgId/audit',
    async (request) => {
      const { orgId } = request.params;
      await getOrganization(context.storage, orgId);

      const query = parseAuditQuery(request.query);
      const page = await listAuditEvents(context.storage, { ...query, orgId });
      return { events: page.events, nextCursor: page.nextCursor };
    },
  );
};

/** Reads the query string; each bad parameter is a 400 that names it. */
export function parseAuditQuery(raw: Record<string, unknown>): AuditQuery {
  rejectUnknownFields(raw, [...TEXT_FILTERS, 'since', 'until', 'cursor', 'limit']);

  const query: AuditQuery = { limit: DEFAULT_LIMIT };
  for (const name of TEXT_FILTERS) {
    const value = singleValue(raw, name);
    if (value !== undefined) query[name] = value;
  }

  const since = singleValue(raw, 'since');
  if (since !== undefined) query.since = parseAuditTime('since', since);
  const until = singleValue(raw, 'until');
  if (until !== undefined) query.until = parseAuditTime('until', until);

  const cursor = singleValue(raw, 'cursor');
  if (cursor !== undefined) {
    if (!/^[0-9a-f-]{36}$/.test(cursor)) {
      throw new InvalidFieldError('cursor', 'must be the nextCursor of a previous page');
    }
    query.cursor = cursor;
  }

  const limit = singleValue(raw, 'limit');
  if (limit !== undefined) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
      throw new InvalidFieldError('limit', `must be an integer from 1 to ${MAX_LIMIT}`);
    }
    query.limit = value;
  }
  return query;
}

function singleValue(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new InvalidFieldError(name, 'must be given once, with 1 to 200 characters');
  }
  return value;
}
