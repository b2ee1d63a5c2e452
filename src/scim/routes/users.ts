import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import { listMemberOf } from '../resources/memberships.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  toUserResource,
} from '../resources/users.js';
import { userResourceType } from '../schema/resource-types.js';
import { showsAttribute } from '../schema/shape.js';
import { resourceUrl } from './request.js';
import { registerResourceRoutes } from './resource-routes.js';

/** Registers `/Users`; `groups` is derived from memberships and loaded only when shown. */
export function registerUserRoutes(app: FastifyInstance, context: AppContext): void {
  registerResourceRoutes(app, context, {
    endpoint: '/Users',
    resourceType: userResourceType,
    create: createUser,
    get: getUser,
    list: async (storage, directoryId, query) => {
      const { totalResults, users } = await listUsers(storage, directoryId, query);
      return { totalResults, records: users };
    },
    replace: replaceUser,
    patch: patchUser,
    remove: deleteUser,
    patchAnswersEmpty: false,
    present: async (directoryId, record, projection) => {
      // TODO: a list page reads each user's groups with its own queries; batch them per page.
      const groups = showsAttribute(projection, 'groups')
        ? (await listMemberOf(context.storage.db, record.id)).map((group) => ({
            ...group,
            $ref: resourceUrl(context, directoryId, '/Groups', group.value),
          }))
        : undefined;
      const location = resourceUrl(context, directoryId, '/Users', record.id);
      return toUserResource(record, location, projection, groups);
    },
  });
}
