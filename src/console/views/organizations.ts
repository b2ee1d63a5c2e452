import { admin } from '../api.js';
import { field, formatTime, h, input, notice, onSubmit, table, text } from '../dom.js';
import type { Organization } from '../types.js';

/** Lists the organizations on this server and creates new ones. */
export async function organizationsView(orgs: Organization[]): Promise<HTMLElement> {
  const status = notice();
  const form = h(
    'form',
    { class: 'inline', novalidate: true },
    field('Organization name', input('name', { required: true, maxlength: 200 })),
    h('button', { type: 'submit' }, 'Create organization'),
  );
  onSubmit(form, status, async (data) => {
    const org = await admin<Organization>('POST', '/orgs', { name: text(data, 'name') });
    location.hash = `#/orgs/${org.id}/start`;
  });

  return h(
    'section',
    {},
    h('h1', {}, 'Organizations'),
    table(
      'Organizations',
      ['Name', 'Created'],
      orgs.map((org) => [
        h('a', { href: `#/orgs/${org.id}/start` }, org.name),
        formatTime(org.createdAt),
      ]),
    ),
    h('h2', {}, 'New organization'),
    status,
    form,
  );
}
