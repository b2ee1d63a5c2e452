import { admin } from '../api.js';
import { field, formatTime, h, input, notice, onSubmit, table, text } from '../dom.js';
import type { ServiceAccount, ViewContext } from '../types.js';

/** Service accounts of the organization, and the form that creates one. */
export async function serviceAccountsView(context: ViewContext): Promise<HTMLElement> {
  const base = `/orgs/${context.org.id}/service-accounts`;
  const accounts = await admin<ServiceAccount[]>('GET', base);

  const status = notice();
  const form = h(
    'form',
    { novalidate: true },
    field('Name', input('name', { required: true, maxlength: 200 })),
    field(
      'Description',
      input('description', { maxlength: 1000 }),
      'Optional: what the account is for.',
    ),
    field(
      'Role',
      input('role', {
        required: true,
        value: 'user access admin',
        list: 'role-suggestions',
        maxlength: 100,
      }),
    ),
    h(
      'datalist',
      { id: 'role-suggestions' },
      h('option', { value: 'user access admin' }),
      h('option', { value: 'directory reader' }),
    ),
    h('button', { type: 'submit' }, 'Create service account'),
  );
  onSubmit(form, status, async (data) => {
    const description = text(data, 'description');
    const account = await admin<ServiceAccount>('POST', base, {
      name: text(data, 'name'),
      role: text(data, 'role'),
      ...(description ? { description } : {}),
    });
    location.hash = `#${base}/${account.id}`;
  });

  return h(
    'section',
    {},
    h('h1', {}, 'Service accounts'),
    h('p', {}, 'A service account is the identity an identity provider uses to call the SCIM API.'),
    table(
      'Service accounts',
      ['Name', 'Role', 'Status', 'Created'],
      accounts.map((account) => [
        h('a', { href: `#${base}/${account.id}` }, account.name),
        account.role,
        account.disabled
          ? h('span', { class: 'badge off' }, 'Disabled')
          : h('span', { class: 'badge on' }, 'Active'),
        formatTime(account.createdAt),
      ]),
    ),
    h('h2', {}, 'New service account'),
    status,
    form,
  );
}
