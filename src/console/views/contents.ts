import { ApiError, admin } from '../api.js';
import { field, h, input, notice, showError, table } from '../dom.js';

const PAGE_SIZE = 20;

interface UserResource {
  id: string;
  userName: string;
  displayName?: string;
  active?: boolean;
  emails?: { value: string; primary?: boolean }[];
  groups?: { value: string; display?: string }[];
}

interface ListResponse<T> {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

/** A SCIM filter when the text has an operator, else a search on userName and displayName. */
export function searchFilter(search: string): string | undefined {
  const trimmed = search.trim();
  if (trimmed === '') return undefined;
  if (/\s(eq|ne|co|sw|ew|gt|ge|lt|le|pr)(\s|$)/i.test(trimmed)) return trimmed;
  const quoted = JSON.stringify(trimmed);
  return `userName co ${quoted} or displayName co ${quoted}`;
}

/**
 * Fetches a page of users. A text search uses substring matches; where the server's filters
 * support only `eq`, it falls back to an exact userName match.
 */
async function searchUsers(base: string, search: string, startIndex: number) {
  const fetchPage = (filter: string | undefined) => {
    const query = new URLSearchParams({ startIndex: String(startIndex), count: String(PAGE_SIZE) });
    if (filter) query.set('filter', filter);
    return admin<ListResponse<UserResource>>('GET', `${base}/users?${query}`);
  };

  const filter = searchFilter(search);
  try {
    return await fetchPage(filter);
  } catch (error) {
    const plainText = filter !== undefined && filter !== search.trim();
    if (!plainText || !(error instanceof ApiError) || !error.message.includes('not supported'))
      throw error;
    return fetchPage(`userName eq ${JSON.stringify(search.trim())}`);
  }
}

/** Users of a directory, searchable and paged through the admin API's SCIM filters. */
export async function directoryContents(base: string): Promise<HTMLElement> {
  const status = notice();
  const results = h('div', { 'aria-live': 'polite' });
  const search = input('search', {
    type: 'search',
    placeholder: 'name, or a SCIM filter such as active eq true',
  });
  let startIndex = 1;

  const load = async () => {
    try {
      const page = await searchUsers(base, search.value, startIndex);
      status.hidden = true;
      results.replaceChildren(
        ...renderPage(base, page, (next) => {
          startIndex = next;
          void load();
        }),
      );
    } catch (error) {
      results.replaceChildren();
      showError(status, error, form);
    }
  };

  const form = h(
    'form',
    {
      class: 'inline',
      role: 'search',
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        startIndex = 1;
        void load();
      },
    },
    field('Search users', search),
    h('button', { type: 'submit' }, 'Search'),
  );
  search.name = 'filter';
  await load();

  return h(
    'section',
    { 'aria-labelledby': 'contents-title' },
    h('h2', { id: 'contents-title' }, 'Users'),
    form,
    status,
    results,
    h('h2', {}, 'Groups'),
    await groupsSection(base),
  );
}

function renderPage(
  base: string,
  page: ListResponse<UserResource>,
  go: (startIndex: number) => void,
): HTMLElement[] {
  const last = page.startIndex + page.itemsPerPage - 1;
  const summary =
    page.totalResults === 0
      ? 'No users match.'
      : `Users ${page.startIndex}–${last} of ${page.totalResults}`;
  return [
    h('p', { class: 'summary' }, summary),
    table(
      'Users',
      ['User name', 'Display name', 'Email', 'Active'],
      page.Resources.map((user) => [
        h('a', { href: `#${base}/users/${user.id}` }, user.userName),
        user.displayName ?? '',
        user.emails?.find((email) => email.primary)?.value ?? user.emails?.[0]?.value ?? '',
        user.active === false ? 'no' : 'yes',
      ]),
    ),
    h(
      'div',
      { class: 'pager' },
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: page.startIndex <= 1,
          onclick: () => go(Math.max(1, page.startIndex - PAGE_SIZE)),
        },
        'Previous page',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'secondary',
          disabled: last >= page.totalResults,
          onclick: () => go(page.startIndex + PAGE_SIZE),
        },
        'Next page',
      ),
    ),
  ];
}

/** Groups are listed when the server offers them; this server version may not. */
async function groupsSection(base: string): Promise<HTMLElement> {
  try {
    const page = await admin<
      ListResponse<{ id: string; displayName: string; members?: unknown[] }>
    >('GET', `${base}/groups?count=${PAGE_SIZE}`);
    return table(
      'Groups',
      ['Name', 'Members'],
      page.Resources.map((group) => [
        h('a', { href: `#${base}/groups/${group.id}` }, group.displayName),
        String(page.totalResults > 0 ? (group.members?.length ?? 0) : 0),
      ]),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return h('p', { class: 'empty' }, 'Groups are not available on this server yet.');
    }
    throw error;
  }
}
