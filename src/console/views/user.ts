import { admin } from '../api.js';
import { h } from '../dom.js';
import type { ViewContext } from '../types.js';

/** One SCIM user of a directory: the main attributes, memberships and the full resource. */
export async function userView(context: ViewContext): Promise<HTMLElement> {
  const directoryPath = `/orgs/${context.org.id}/directories/${context.params.directoryId}`;
  const user = await admin<Record<string, unknown>>(
    'GET',
    `${directoryPath}/users/${context.params.userId}`,
  );
  const groups = Array.isArray(user.groups)
    ? (user.groups as { value: string; display?: string }[])
    : [];
  const emails = Array.isArray(user.emails) ? (user.emails as { value: string }[]) : [];

  return h(
    'section',
    {},
    h('p', { class: 'crumbs' }, h('a', { href: `#${directoryPath}` }, 'Directory')),
    h('h1', {}, String(user.userName ?? user.id)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Display name'),
      h('dd', {}, String(user.displayName ?? '—')),
      h('dt', {}, 'External id'),
      h('dd', {}, String(user.externalId ?? '—')),
      h('dt', {}, 'Active'),
      h('dd', {}, user.active === false ? 'no' : 'yes'),
      h('dt', {}, 'Emails'),
      h('dd', {}, emails.map((email) => email.value).join(', ') || '—'),
      h('dt', {}, 'Groups'),
      h(
        'dd',
        {},
        ...(groups.length === 0
          ? ['none']
          : groups.map((group) =>
              h(
                'a',
                { href: `#${directoryPath}/groups/${group.value}`, class: 'membership' },
                group.display ?? group.value,
              ),
            )),
      ),
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', {}, String(user.id))),
    ),
    h('h2', {}, 'SCIM resource'),
    h(
      'pre',
      { class: 'resource', tabindex: '0', 'aria-label': 'SCIM resource as JSON' },
      JSON.stringify(user, null, 2),
    ),
  );
}

/** One SCIM group of a directory with its members. */
export async function groupView(context: ViewContext): Promise<HTMLElement> {
  const directoryPath = `/orgs/${context.org.id}/directories/${context.params.directoryId}`;
  const group = await admin<Record<string, unknown>>(
    'GET',
    `${directoryPath}/groups/${context.params.groupId}`,
  );
  const members = Array.isArray(group.members)
    ? (group.members as { value: string; type?: string; display?: string }[])
    : [];

  return h(
    'section',
    {},
    h('p', { class: 'crumbs' }, h('a', { href: `#${directoryPath}` }, 'Directory')),
    h('h1', {}, String(group.displayName ?? group.id)),
    h('h2', {}, `Members (${members.length})`),
    members.length === 0
      ? h('p', { class: 'empty' }, 'No members.')
      : h(
          'ul',
          {},
          ...members.map((member) =>
            h(
              'li',
              {},
              member.type === 'Group'
                ? h(
                    'a',
                    { href: `#${directoryPath}/groups/${member.value}` },
                    member.display ?? member.value,
                  )
                : h(
                    'a',
                    { href: `#${directoryPath}/users/${member.value}` },
                    member.display ?? member.value,
                  ),
              member.type === 'Group' ? ' (group)' : '',
            ),
          ),
        ),
    h('h2', {}, 'SCIM resource'),
    h(
      'pre',
      { class: 'resource', tabindex: '0', 'aria-label': 'SCIM resource as JSON' },
      JSON.stringify(group, null, 2),
    ),
  );
}
