import { admin } from '../api.js';
import { copyable, h } from '../dom.js';
import type { Client, Directory, Grant, ServiceAccount, ViewContext } from '../types.js';

/** The integrator's next steps with this organization's actual values. */
export async function gettingStartedView(context: ViewContext): Promise<HTMLElement> {
  const orgPath = `/orgs/${context.org.id}`;
  const [accounts, clients, directories] = await Promise.all([
    admin<ServiceAccount[]>('GET', `${orgPath}/service-accounts`),
    admin<Client[]>('GET', `${orgPath}/clients`),
    admin<Directory[]>('GET', `${orgPath}/directories`),
  ]);
  const grants = (
    await Promise.all(
      directories.map((d) => admin<Grant[]>('GET', `${orgPath}/directories/${d.id}/grants`)),
    )
  ).flat();
  // The issuer is the server's public URL, which can differ from the address in the browser
  // (another host name, or a proxy), so it comes from the server's RFC 8414 metadata.
  const metadata = await authorizationServerMetadata();
  const issuer = metadata.issuer;
  const tokenEndpoint = metadata.token_endpoint;
  const keyed = clients.filter((client) => (client.jwks?.keys.length ?? 0) > 0 || client.jwksUri);

  const step = (done: boolean, title: string, body: (Node | string)[], link?: [string, string]) =>
    h(
      'li',
      { class: done ? 'done' : 'todo' },
      h('h2', {}, h('span', { class: 'state' }, done ? 'Done: ' : 'To do: '), title),
      ...body,
      link ? h('p', {}, h('a', { href: `#${orgPath}/${link[0]}` }, link[1])) : null,
    );

  return h(
    'section',
    {},
    h('h1', {}, 'Getting started'),
    h('p', {}, `Connect an identity provider to ${context.org.name} in five steps.`),
    h(
      'ol',
      { class: 'steps' },
      step(
        accounts.length > 0,
        'Create a service account',
        [h('p', {}, `${accounts.length} service account(s).`)],
        ['service-accounts', 'Service accounts'],
      ),
      step(
        clients.length > 0,
        'Create OAuth 2.0 credentials',
        clients.length > 0
          ? clients.map((c) => copyable(`client ID ${c.name}`, c.clientId))
          : [h('p', {}, 'No credentials yet.')],
        ['service-accounts', 'Service accounts'],
      ),
      step(keyed.length > 0, "Register the integrator's public keys", [
        h('p', {}, `${keyed.length} of ${clients.length} client(s) have keys.`),
      ]),
      step(
        directories.length > 0 && grants.length > 0,
        'Create a SCIM directory and grant access',
        directories.length > 0
          ? directories.map((d) => copyable(`SCIM base URL of ${d.name}`, d.scimBaseUrl))
          : [h('p', {}, 'No directory yet.')],
        ['directories', 'Identity providers'],
      ),
      step(false, 'Give the integrator these values', [
        h('p', { class: 'label' }, 'Token endpoint'),
        copyable('token endpoint', tokenEndpoint),
        h('p', { class: 'label' }, 'Audience (aud of the client assertion)'),
        copyable('audience', issuer),
        h(
          'p',
          {},
          'The assertion is a JWT signed with the registered key: iss and sub are the client ID, header kid names the key; send it with grant_type=client_credentials and the scope manage:directory.',
        ),
      ]),
    ),
  );
}

async function authorizationServerMetadata(): Promise<{ issuer: string; token_endpoint: string }> {
  const response = await fetch('/.well-known/oauth-authorization-server', {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`reading the server metadata failed with ${response.status}`);
  return (await response.json()) as { issuer: string; token_endpoint: string };
}
