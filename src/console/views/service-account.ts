import { admin } from '../api.js';
import { copyable, field, h, input, notice, onSubmit, select, showError, text } from '../dom.js';
import type { Client, ServiceAccount, ViewContext } from '../types.js';
import { keysPanel } from './keys.js';

/** Scopes a client may hold, with what each allows. */
const SCOPES: [string, string][] = [
  ['manage:directory', 'Read and write users and groups (SCIM)'],
  ['read:directory', 'Read users and groups only (SCIM)'],
];

/** How a client authenticates at the token endpoint (RFC 7591 §2 names). */
const METHODS = ['private_key_jwt', 'client_secret_basic', 'client_secret_post'] as const;

function describeMethod(method: string): string {
  if (method === 'private_key_jwt') return "private_key_jwt, signed with the integrator's key";
  if (method === 'client_secret_basic') return 'client secret in the Authorization header';
  if (method === 'client_secret_post') return 'client secret in the request body';
  return method;
}

/** One service account: its state, its OAuth 2.0 credentials and their keys. */
export async function serviceAccountView(context: ViewContext): Promise<HTMLElement> {
  const base = `/orgs/${context.org.id}/service-accounts/${context.params.serviceAccountId}`;
  const [account, clients] = await Promise.all([
    admin<ServiceAccount>('GET', base),
    admin<Client[]>('GET', `${base}/credentials`),
  ]);

  const status = notice();
  const actions = h(
    'div',
    { class: 'actions' },
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () =>
          admin('POST', `${base}/${account.disabled ? 'enable' : 'disable'}`)
            .then(context.refresh)
            .catch((error) => showError(status, error)),
      },
      account.disabled ? 'Enable' : 'Disable',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (
            !confirm(`Delete the service account ${account.name} with its credentials and grants?`)
          )
            return;
          await admin('DELETE', base)
            .then(() => {
              location.hash = `#/orgs/${context.org.id}/service-accounts`;
            })
            .catch((error) => showError(status, error));
        },
      },
      'Delete',
    ),
  );

  return h(
    'section',
    {},
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: `#/orgs/${context.org.id}/service-accounts` }, 'Service accounts'),
    ),
    h('h1', {}, account.name),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Role'),
      h('dd', {}, account.role),
      h('dt', {}, 'Description'),
      h('dd', {}, account.description ?? '—'),
      h('dt', {}, 'Status'),
      h(
        'dd',
        {},
        account.disabled ? 'Disabled: it gets no tokens and its tokens are refused' : 'Active',
      ),
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', {}, account.id)),
    ),
    status,
    actions,
    h('h2', {}, 'Credentials'),
    ...clients.map((client) => clientPanel(context, client)),
    clients.length === 0
      ? h('p', { class: 'empty', id: 'no-credentials' }, 'No credentials yet.')
      : null,
    credentialsForm(context, base),
  );
}

function clientPanel(context: ViewContext, client: Client): HTMLElement {
  const status = notice();
  return h(
    'article',
    { class: 'panel', 'aria-labelledby': `client-${client.id}` },
    h('h3', { id: `client-${client.id}` }, client.name),
    h('p', { class: 'label' }, 'Client ID'),
    copyable('client ID', client.clientId),
    h(
      'p',
      {},
      `Scopes: ${client.scopes.join(', ')}. Authentication: ${describeMethod(client.tokenEndpointAuthMethod)}.`,
    ),
    client.tokenEndpointAuthMethod === 'private_key_jwt' ? keysPanel(context, client) : null,
    status,
    h(
      'button',
      {
        type: 'button',
        class: 'danger small',
        onclick: async () => {
          if (!confirm(`Delete the credentials ${client.name}?`)) return;
          await admin('DELETE', `/orgs/${context.org.id}/clients/${client.clientId}`)
            .then(context.refresh)
            .catch((error) => showError(status, error));
        },
      },
      `Delete credentials ${client.name}`,
    ),
  );
}

/** Create credentials: OAuth 2.0 client, a name and scopes picked from a filterable list. */
function credentialsForm(context: ViewContext, base: string): HTMLElement {
  const status = notice();
  const created = h('div', { role: 'status' });
  const filter = input('scope-filter', { type: 'search' });
  const choices = SCOPES.map(([scope, description]) =>
    h(
      'label',
      { class: 'check', 'data-scope': scope },
      h('input', {
        type: 'checkbox',
        name: 'scopes',
        value: scope,
        checked: scope === 'manage:directory',
      }),
      h('span', {}, h('code', {}, scope), ` — ${description}`),
    ),
  );
  filter.addEventListener('input', () => {
    const wanted = filter.value.trim().toLowerCase();
    for (const choice of choices)
      choice.hidden = wanted !== '' && !(choice.textContent ?? '').toLowerCase().includes(wanted);
  });

  const form = h(
    'form',
    { novalidate: true },
    field(
      'Type',
      select(
        'method',
        METHODS.map((method): [string, string] => [
          method,
          `OAuth 2.0 — ${describeMethod(method)}`,
        ]),
        'private_key_jwt',
      ),
    ),
    field('Credential name', input('name', { required: true, maxlength: 200 })),
    field('Filter scopes', filter),
    h('fieldset', {}, h('legend', {}, 'Scopes'), ...choices),
    h('button', { type: 'submit' }, 'Create credentials'),
  );
  onSubmit(form, status, async (data) => {
    const method = text(data, 'method');
    const fields = { name: text(data, 'name'), scopes: data.getAll('scopes').map(String) };
    const client =
      method === 'private_key_jwt'
        ? await admin<Client>('POST', `${base}/credentials`, fields)
        : await admin<Client & { clientSecret: string }>('POST', `${base}/secret-credentials`, {
            ...fields,
            tokenEndpointAuthMethod: method,
          });
    const secret = (client as { clientSecret?: string }).clientSecret;
    created.replaceChildren(
      h('h3', {}, `Created ${client.name}`),
      h('p', { class: 'label' }, 'Client ID'),
      copyable('new client ID', client.clientId),
      ...(secret
        ? [
            h('p', { class: 'label' }, 'Client secret — shown only now; copy it to the integrator'),
            copyable('new client secret', secret),
            h('button', { type: 'button', class: 'secondary', onclick: context.refresh }, 'Done'),
          ]
        : [
            h('p', {}, 'Give the client ID to the integrator, then register its public keys.'),
            h(
              'button',
              { type: 'button', class: 'secondary', onclick: context.refresh },
              'Register keys',
            ),
          ]),
    );
    // The result stays on screen until the admin moves on, because a secret is shown only once.
    form.reset();
    form.hidden = true;
    document.getElementById('no-credentials')?.remove();
  });

  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'new-credentials' },
    h('h2', { id: 'new-credentials' }, 'Create credentials'),
    status,
    created,
    form,
  );
}
