import { admin } from '../api.js';
import { copyable, field, h, input, notice, onSubmit, table, text } from '../dom.js';
import type { Directory, ViewContext } from '../types.js';

/** Security → Identity providers: the organization's SCIM directories. */
export async function directoriesView(context: ViewContext): Promise<HTMLElement> {
  const base = `/orgs/${context.org.id}/directories`;
  const directories = await admin<Directory[]>('GET', base);

  const status = notice();
  const form = h(
    'form',
    { class: 'inline', novalidate: true },
    field(
      'Directory name',
      input('name', { required: true, maxlength: 200 }),
      'For example apple_directory.',
    ),
    h('button', { type: 'submit' }, 'Create directory'),
  );
  onSubmit(form, status, async (data) => {
    const directory = await admin<Directory>('POST', base, { name: text(data, 'name') });
    location.hash = `#${base}/${directory.id}`;
  });

  return h(
    'section',
    {},
    h('h1', {}, 'Identity providers'),
    h('p', {}, 'Each SCIM directory receives the users and groups of one identity provider.'),
    table(
      'Directories',
      ['Name', 'SCIM base URL', 'Provisioning'],
      directories.map((directory) => [
        h('a', { href: `#${base}/${directory.id}` }, directory.name),
        copyable(`SCIM base URL of ${directory.name}`, directory.scimBaseUrl),
        directory.provisioningStopped
          ? h('span', { class: 'badge off' }, 'Stopped')
          : h('span', { class: 'badge on' }, 'Running'),
      ]),
    ),
    h('h2', {}, 'New SCIM directory'),
    status,
    form,
  );
}
