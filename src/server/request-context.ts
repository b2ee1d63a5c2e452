import type { FastifyRequest } from 'fastify';
import type { AuditActorType } from '../directory/audit.js';

/** Identity a request acts as, set once a surface has authenticated the caller. */
export interface RequestActor {
  type: AuditActorType;
  /** Admin user id or `admin-token`, or the OAuth client_id. */
  id: string;
  orgId?: string;
  serviceAccountId?: string;
}

/** Details of a request's outcome that its status code does not carry. */
export interface RequestNote {
  /** Protocol error code of a refusal, such as `invalid_client` or `uniqueness`. */
  reason?: string;
  /** Ids of objects the request created or changed, by kind. */
  targets?: Record<string, string>;
}

const actors = new WeakMap<FastifyRequest, RequestActor>();
const notes = new WeakMap<FastifyRequest, RequestNote>();

/**
 * Records who the request acts as. Each surface calls it once it has authenticated the caller;
 * the request log, the metrics and the audit log read it.
 */
export function setRequestActor(request: FastifyRequest, actor: RequestActor): void {
  actors.set(request, actor);
}

export function requestActor(request: FastifyRequest): RequestActor | undefined {
  return actors.get(request);
}

/** Adds a reason or target ids to what the audit log records for this request. */
export function noteRequest(request: FastifyRequest, note: RequestNote): void {
  const current = notes.get(request) ?? {};
  notes.set(request, {
    reason: note.reason ?? current.reason,
    targets: { ...current.targets, ...note.targets },
  });
}

export function requestNote(request: FastifyRequest): RequestNote {
  return notes.get(request) ?? {};
}
