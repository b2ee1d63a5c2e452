import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import {
  createGroup,
  deleteGroup,
  getGroup,
  groupStore,
  listGroups,
  patchGroup,
  replaceGroup,
  toGroupResource,
} from '../resources/groups.js';
import { listMembers } from '../resources/memberships.js';
import { groupResourceType } from '../schema/resource-types.js';
import { showsAttribute } from '../schema/shape.js';
import { resourceUrl } from './request.js';
import { registerResourceRoutes } from './resource-routes.js';

/**
 * Registers `/Groups`. `excludedAttributes=members`, or `attributes` without it, never loads the
 * member list, and a PATCH returns 204 unless the request asks for the group.
 */
export function registerGroupRoutes(app: FastifyInstance, context: AppContext): void {
  registerResourceRoutes(app, context, {
    endpoint: '/Groups',
    resourceType: groupResourceType,
    store: groupStore,
    create: createGroup,
    get: getGroup,
    list: async (storage, directoryId, query) => {
      const { totalResults, groups } = await listGroups(storage, directoryId, query);
      return { totalResults, records: groups };
    },
    replace: replaceGroup,
    patch: patchGroup,
    remove: deleteGroup,
    patchAnswersEmpty: true,
    present: async (directoryId, record, projection) => {
      const members = showsAttribute(projection, 'members')
        ? (await listMembers(context.storage.db, record.id)).map((member) => ({
            ...member,
            $ref: resourceUrl(
              context,
              directoryId,
              member.type === 'Group' ? '/Groups' : '/Users',
              member.value,
            ),
          }))
        : undefined;
      const location = resourceUrl(context, directoryId, '/Groups', record.id);
      return toGroupResource(record, location, projection, members);
    },
  });
}
