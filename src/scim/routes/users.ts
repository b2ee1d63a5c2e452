import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import { listMemberOfMany } from '../resources/memberships.js';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  patchUser,
  replaceUser,
  toUserResource,
  type UserRecord,
  userStore,
} from '../resources/users.js';
import { userResourceType } from '../schema/resource-types.js';
import { type Projection, showsAttribute } from '../schema/shape.js';
import { resourceUrl } from './request.js';
import { registerResourceRoutes } from './resource-routes.js';

/** Registers `/Users`; `groups` is derived from memberships and loaded only when shown. */
export function registerUserRoutes(app: FastifyInstance, context: AppContext): void {
  const presentPage = async (
    directoryId: string,
    records: UserRecord[],
    projection: Projection,
  ): Promise<unknown[]> => {
    const groupsOf = showsAttribute(projection, 'groups')
      ? await listMemberOfMany(
          context.storage.db,
          records.map((record) => record.id),
        )
      : undefined;

    return records.map((record) => {
      const groups = groupsOf?.get(record.id)?.map((group) => ({
        ...group,
        $ref: resourceUrl(context, directoryId, '/Groups', group.value),
      }));
      const location = resourceUrl(context, directoryId, '/Users', record.id);
      return toUserResource(record, location, projection, groups);
    });
  };

  registerResourceRoutes(app, context, {
    endpoint: '/Users',
    resourceType: userResourceType,
    store: userStore,
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
      const page = await presentPage(directoryId, [record], projection);
      return page[0];
    },
    presentPage: (directoryId, records, projection) =>
      presentPage(directoryId, records, projection),
  });
}
