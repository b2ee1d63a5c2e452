import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AuditEventInput, toAuditRow } from '../directory/audit.js';
import { AuditWriter } from './audit-writer.js';
import type { AppContext } from './context.js';
import { requestActor, requestNote } from './request-context.js';
import { isAdminWrite, isTokenRequest, routeOf, scimOperationOf } from './surfaces.js';

/** Audit action names of the admin API's writes, by method and route template. */
const ADMIN_ACTIONS: Record<string, string> = {
  'POST /admin/v1/orgs': 'organization.create',
  'DELETE /admin/v1/orgs/:orgId': 'organization.delete',
  'POST /admin/v1/orgs/:orgId/service-accounts': 'service_account.create',
  'PATCH /admin/v1/orgs/:orgId/service-accounts/:serviceAccountId': 'service_account.update',
  'DELETE /admin/v1/orgs/:orgId/service-accounts/:serviceAccountId': 'service_account.delete',
  'POST /admin/v1/orgs/:orgId/service-accounts/:serviceAccountId/credentials': 'client.create',
  'DELETE /admin/v1/orgs/:orgId/clients/:clientId': 'client.delete',
  'PUT /admin/v1/orgs/:orgId/clients/:clientId/keys': 'client.keys.set',
  'DELETE /admin/v1/orgs/:orgId/clients/:clientId/keys': 'client.keys.delete',
  'POST /admin/v1/orgs/:orgId/directories': 'directory.create',
  'DELETE /admin/v1/orgs/:orgId/directories/:directoryId': 'directory.delete',
  'POST /admin/v1/orgs/:orgId/directories/:directoryId/grants': 'grant.create',
  'DELETE /admin/v1/orgs/:orgId/directories/:directoryId/grants/:grantId': 'grant.delete',
  'POST /admin/v1/orgs/:orgId/service-accounts/:serviceAccountId/disable':
    'service_account.disable',
  'POST /admin/v1/orgs/:orgId/service-accounts/:serviceAccountId/enable': 'service_account.enable',
  'POST /admin/v1/orgs/:orgId/directories/:directoryId/provisioning/stop':
    'directory.provisioning.stop',
  'POST /admin/v1/orgs/:orgId/directories/:directoryId/provisioning/resume':
    'directory.provisioning.resume',
};

/** Route parameters that name audit targets. */
const TARGET_PARAMS = ['serviceAccountId', 'clientId', 'directoryId', 'grantId', 'id'];

/**
 * Records in the audit log every admin write, every token request and every SCIM write, with
 * its outcome. It runs in `onSend` and waits until the event has committed, so a response is sent
 * only after its event is stored and shutdown never cuts a record short. Concurrent requests share
 * one commit (see AuditWriter). A failed audit write is logged and counted, but it does not fail
 * the request.
 */
export function installAuditRecording(app: FastifyInstance, context: AppContext): void {
  const writer = new AuditWriter(context.storage, app.log, toAuditRow);

  // TODO: a SCIM write and its audit event commit in separate transactions, so a crash between
  // the two loses the event; writing it with the directory's change event would close that gap.
  app.addHook('onSend', async (request, reply, payload) => {
    const event = auditEventFor(request, reply, payload);
    if (!event) return payload;

    try {
      await writer.write(event);
    } catch (error) {
      context.metrics?.auditFailures.inc();
      request.log.error({ err: error, action: event.action }, 'audit event not recorded');
    }
    return payload;
  });
}

function auditEventFor(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): AuditEventInput | undefined {
  const actor = requestActor(request);
  const note = requestNote(request);
  const params = (request.params ?? {}) as Record<string, string | undefined>;
  const outcome = reply.statusCode < 400 ? 'success' : 'failure';
  const common = {
    outcome,
    reason:
      outcome === 'failure'
        ? (note.reason ?? errorCodeOf(payload) ?? String(reply.statusCode))
        : null,
    requestId: request.id,
  } as const;

  if (isTokenRequest(request)) {
    return {
      ...common,
      orgId: actor?.orgId ?? null,
      actorType: actor ? actor.type : 'anonymous',
      actor: actor?.id ?? '-',
      action: 'token.issue',
      targets: actor?.serviceAccountId ? { serviceAccountId: actor.serviceAccountId } : {},
    };
  }

  // Writes by callers that never authenticated are not actions of anyone; the request log has them.
  if (!actor) return undefined;

  const scim = scimOperationOf(request);
  if (scim?.write) {
    const created = scim.operation === 'create' ? createdScimId(reply) : undefined;
    return {
      ...common,
      orgId: actor.orgId ?? null,
      actorType: actor.type,
      actor: actor.id,
      action: `scim.${scim.resource.toLowerCase()}.${scim.operation}`,
      directoryId: params.directoryId ?? null,
      targets: { ...targetsFrom(params, ['id']), ...(created ? { id: created } : {}) },
    };
  }

  if (isAdminWrite(request)) {
    const route = routeOf(request);
    const created = reply.statusCode === 201 ? createdAdminId(payload) : undefined;
    const action =
      ADMIN_ACTIONS[`${request.method} ${route}`] ?? `admin.${request.method.toLowerCase()}`;
    return {
      ...common,
      orgId: params.orgId ?? (action === 'organization.create' ? (created ?? null) : null),
      actorType: actor.type,
      actor: actor.id,
      action,
      directoryId: params.directoryId ?? null,
      targets: {
        ...targetsFrom(params, TARGET_PARAMS),
        ...note.targets,
        ...(created ? { createdId: created } : {}),
      },
    };
  }
  return undefined;
}

function targetsFrom(
  params: Record<string, string | undefined>,
  names: readonly string[],
): Record<string, string> {
  const targets: Record<string, string> = {};
  for (const name of names) {
    const value = params[name];
    if (typeof value === 'string') targets[name] = value.slice(0, 100);
  }
  return targets;
}

/** Returns the id of a created SCIM resource, from the last segment of its `Location`. */
function createdScimId(reply: FastifyReply): string | undefined {
  const location = reply.getHeader('location');
  return typeof location === 'string' ? location.split('/').at(-1) : undefined;
}

/** Returns the `id` of an object the admin API created, from the serialized response. */
function createdAdminId(payload: unknown): string | undefined {
  const id = jsonField(payload, 'id');
  return typeof id === 'string' ? id : undefined;
}

/** Returns the error code of an admin (`error`) or SCIM (`scimType`) error response. */
function errorCodeOf(payload: unknown): string | undefined {
  const code = jsonField(payload, 'error') ?? jsonField(payload, 'scimType');
  return typeof code === 'string' ? code : undefined;
}

function jsonField(payload: unknown, name: string): unknown {
  if (typeof payload !== 'string' || !payload.startsWith('{')) return undefined;
  try {
    return (JSON.parse(payload) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}
