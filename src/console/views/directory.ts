import { admin } from '../api.js';
import {
  copyable,
  field,
  formatTime,
  h,
  notice,
  onSubmit,
  select,
  showError,
  table,
  text,
} from '../dom.js';
import type { Directory, Grant, ServiceAccount, ViewContext } from '../types.js';
import { directoryContents } from './contents.js';

/** One SCIM directory: its base URL, provisioning switch, grants and contents. */
export async function directoryView(context: ViewContext): Promise<HTMLElement> {
  const orgPath = `/orgs/${context.org.id}`;
  const base = `${orgPath}/directories/${context.params.directoryId}`;
  const [directory, grants, accounts] = await Promise.all([
    admin<Directory>('GET', base),
    admin<Grant[]>('GET', `${base}/grants`),
    admin<ServiceAccount[]>('GET', `${orgPath}/service-accounts`),
  ]);
  const accountName = (id: string) => accounts.find((account) => account.id === id)?.name ?? id;

  const status = notice();
  const toggle = h(
    'button',
    {
      type: 'button',
      class: directory.provisioningStopped ? 'secondary' : 'danger',
      onclick: () =>
        admin('POST', `${base}/provisioning/${directory.provisioningStopped ? 'resume' : 'stop'}`)
          .then(context.refresh)
          .catch((error) => showError(status, error)),
    },
    directory.provisioningStopped ? 'Resume provisioning' : 'Stop provisioning',
  );

  const grantStatus = notice();
  const ungranted = accounts.filter(
    (account) => !grants.some((grant) => grant.serviceAccountId === account.id),
  );
  const grantForm = h(
    'form',
    { class: 'inline', novalidate: true },
    field(
      'Service account',
      select(
        'serviceAccountId',
        ungranted.map((account) => [account.id, account.name]),
      ),
    ),
    field(
      'Access',
      select(
        'role',
        [
          ['manage', 'manage (read and write)'],
          ['read', 'read only'],
        ],
        'manage',
      ),
    ),
    h('button', { type: 'submit', disabled: ungranted.length === 0 }, 'Grant access'),
  );
  onSubmit(grantForm, grantStatus, async (data) => {
    await admin('POST', `${base}/grants`, {
      serviceAccountId: text(data, 'serviceAccountId'),
      role: text(data, 'role'),
    });
    context.refresh();
  });

  const grantTable = table(
    'Grants',
    ['Service account', 'Access', 'Granted', ''],
    grants.map((grant) => [
      h(
        'a',
        { href: `#${orgPath}/service-accounts/${grant.serviceAccountId}` },
        accountName(grant.serviceAccountId),
      ),
      grant.role,
      formatTime(grant.createdAt),
      h(
        'button',
        {
          type: 'button',
          class: 'danger small',
          'aria-label': `Revoke access of ${accountName(grant.serviceAccountId)}`,
          onclick: () =>
            admin('DELETE', `${base}/grants/${grant.id}`)
              .then(context.refresh)
              .catch((error) => showError(grantStatus, error)),
        },
        'Revoke',
      ),
    ]),
  );

  return h(
    'section',
    {},
    h('p', { class: 'crumbs' }, h('a', { href: `#${orgPath}/directories` }, 'Identity providers')),
    h('h1', {}, directory.name),
    h('p', { class: 'label' }, 'SCIM base URL'),
    copyable('SCIM base URL', directory.scimBaseUrl),
    h(
      'p',
      {},
      'Provisioning: ',
      h(
        'strong',
        {},
        directory.provisioningStopped ? 'stopped — every SCIM request is refused' : 'running',
      ),
    ),
    status,
    toggle,
    h('h2', {}, 'Access'),
    grantStatus,
    grantTable,
    ungranted.length > 0
      ? grantForm
      : h('p', { class: 'empty' }, 'Every service account has access already.'),
    await directoryContents(base),
  );
}
