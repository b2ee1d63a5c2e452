import type { AdminServices, ContentListParameters, ContentPage } from '../admin/services.js';
import { scimBaseUrl } from '../directory/directories.js';
import { InvalidFieldError, NotFoundError } from '../directory/errors.js';
import { fetchJwks, JwksFetchError } from '../oauth/jwks/fetch-jwks.js';
import { ScimError } from '../scim/errors.js';
import { parseListQuery } from '../scim/list-query.js';
import { getGroup, listGroups, toGroupResource } from '../scim/resources/groups.js';
import { listMemberOf, listMembers } from '../scim/resources/memberships.js';
import { getUser, listUsers, toUserResource } from '../scim/resources/users.js';
import type { AppContext } from './context.js';

/** Every attribute, as a SCIM request without `attributes` or `excludedAttributes` gets it. */
const FULL = {};

/**
 * Builds the admin API's views of the SCIM and OAuth layers. SCIM errors become the directory
 * layer's errors, so the admin API returns them in its own format.
 */
export function createAdminServices(context: AppContext): AdminServices {
  const { storage } = context;
  const scimUrl = (directoryId: string) => scimBaseUrl(context.config.publicUrl, directoryId);

  return {
    directoryContents: {
      async listUsers(directoryId, parameters) {
        const query = await asAdminError(async () => parseListQuery(pick(parameters)));
        const page = await asAdminError(() => listUsers(storage, directoryId, query));
        const base = scimUrl(directoryId);
        const resources = page.users.map((user) =>
          toUserResource(user, `${base}/Users/${user.id}`, FULL, undefined),
        );
        return contentPage(page.totalResults, query.startIndex, resources);
      },

      async getUser(directoryId, id) {
        const user = await notFoundAs('user', id, () => getUser(storage, directoryId, id));
        const base = scimUrl(directoryId);
        const groups = (await listMemberOf(storage.db, user.id)).map((group) => ({
          ...group,
          $ref: `${base}/Groups/${group.value}`,
        }));
        return toUserResource(user, `${base}/Users/${user.id}`, FULL, groups);
      },

      async listGroups(directoryId, parameters) {
        const query = await asAdminError(async () => parseListQuery(pick(parameters)));
        const page = await asAdminError(() => listGroups(storage, directoryId, query));
        const base = scimUrl(directoryId);
        const resources = page.groups.map((group) =>
          toGroupResource(group, `${base}/Groups/${group.id}`, FULL, undefined),
        );
        return contentPage(page.totalResults, query.startIndex, resources);
      },

      async getGroup(directoryId, id) {
        const group = await notFoundAs('group', id, () => getGroup(storage, directoryId, id));
        const base = scimUrl(directoryId);
        const members = (await listMembers(storage.db, group.id)).map((member) => ({
          ...member,
          $ref: `${base}/${member.type === 'Group' ? 'Groups' : 'Users'}/${member.value}`,
        }));
        return toGroupResource(group, `${base}/Groups/${group.id}`, FULL, members);
      },
    },

    remoteKeys: {
      async fetchKeys(jwksUri) {
        try {
          const jwks = await fetchJwks(jwksUri, {
            allowLoopback: context.config.jwksAllowLoopback,
          });
          return { ok: true, keys: jwks.keys };
        } catch (error) {
          if (!(error instanceof JwksFetchError)) throw error;
          return { ok: false, reason: error.message };
        }
      },
    },
  };
}

/** Keeps only the parameters the admin view supports: a filter and index paging. */
function pick(parameters: ContentListParameters): Record<string, string | undefined> {
  return { filter: parameters.filter, startIndex: parameters.startIndex, count: parameters.count };
}

function contentPage(totalResults: number, startIndex: number, resources: unknown[]): ContentPage {
  return { totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}

/** Runs a SCIM call and turns its 4xx (a bad filter or paging parameter) into invalid_field. */
async function asAdminError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScimError && error.status >= 400 && error.status < 500) {
      throw new InvalidFieldError(
        error.scimType === 'invalidFilter' ? 'filter' : 'query',
        error.detail,
      );
    }
    throw error;
  }
}

async function notFoundAs<T>(kind: string, id: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScimError && error.status === 404) throw new NotFoundError(kind, id);
    throw error;
  }
}
