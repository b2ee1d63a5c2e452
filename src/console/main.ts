import { admin, call, type Session, useSession, whenSignedOut } from './api.js';
import { h, notice } from './dom.js';
import type { Organization, ViewContext } from './types.js';
import { auditView } from './views/audit.js';
import { directoriesView } from './views/directories.js';
import { directoryView } from './views/directory.js';
import { gettingStartedView } from './views/getting-started.js';
import { organizationsView } from './views/organizations.js';
import { serviceAccountView } from './views/service-account.js';
import { serviceAccountsView } from './views/service-accounts.js';
import { signInView } from './views/sign-in.js';
import { groupView, userView } from './views/user.js';

type View = (context: ViewContext) => Promise<HTMLElement>;

/** Routes under `#/orgs/{orgId}`, matched in order. */
const ROUTES: [RegExp, string[], View][] = [
  [/^start$/, [], gettingStartedView],
  [/^service-accounts$/, [], serviceAccountsView],
  [/^service-accounts\/([^/]+)$/, ['serviceAccountId'], serviceAccountView],
  [/^directories$/, [], directoriesView],
  [/^directories\/([^/]+)$/, ['directoryId'], directoryView],
  [/^directories\/([^/]+)\/users\/([^/]+)$/, ['directoryId', 'userId'], userView],
  [/^directories\/([^/]+)\/groups\/([^/]+)$/, ['directoryId', 'groupId'], groupView],
  [/^audit$/, [], auditView],
];

const NAV: [string, string][] = [
  ['start', 'Getting started'],
  ['service-accounts', 'Service accounts'],
  ['directories', 'Identity providers'],
  ['audit', 'Audit log'],
];

const root = document.getElementById('app') as HTMLElement;
let session: Session | undefined;
let signedOutMessage: string | undefined;

whenSignedOut((message) => {
  session = undefined;
  signedOutMessage = message;
  location.hash = '#/sign-in';
  void render();
});

async function render(): Promise<void> {
  if (!session) {
    session = await call<Session>('GET', '/console/api/session').catch(() => undefined);
    useSession(session);
  }
  if (!session) return showSignIn();

  const path = location.hash.replace(/^#\/?/, '');
  if (path === '' || path === 'sign-in') return goToFirstOrganization();

  const orgs = await admin<Organization[]>('GET', '/orgs');
  if (path === 'orgs') return showPage(orgs, undefined, await organizationsView(orgs));

  const match = /^orgs\/([^/]+)\/(.*)$/.exec(path);
  const org = orgs.find((candidate) => candidate.id === match?.[1]);
  if (!match || !org) return showPage(orgs, undefined, notFound());

  for (const [pattern, names, view] of ROUTES) {
    const found = pattern.exec(match[2] ?? '');
    if (!found) continue;
    const params = Object.fromEntries(
      names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
    );
    const context: ViewContext = { org, params, refresh: () => void render() };
    const content = await view(context).catch((error: unknown) => failed(error));
    return showPage(orgs, org, content, match[2]?.split('/')[0]);
  }
  showPage(orgs, org, notFound());
}

async function goToFirstOrganization(): Promise<void> {
  const orgs = await admin<Organization[]>('GET', '/orgs');
  location.hash = orgs[0] ? `#/orgs/${orgs[0].id}/start` : '#/orgs';
}

function showSignIn(): void {
  root.replaceChildren(
    signInView(signedOutMessage, (started) => {
      session = started;
      useSession(started);
      signedOutMessage = undefined;
      if (location.hash === '' || location.hash === '#/sign-in') void goToFirstOrganization();
      else void render();
    }),
  );
  document.title = 'Sign in · scimd console';
}

function showPage(
  orgs: Organization[],
  org: Organization | undefined,
  content: HTMLElement,
  section?: string,
): void {
  const orgSelect = h(
    'select',
    {
      id: 'org-switch',
      onchange: (event: Event) => {
        const value = (event.target as HTMLSelectElement).value;
        location.hash = value === '' ? '#/orgs' : `#/orgs/${value}/start`;
      },
    },
    ...orgs.map((candidate) =>
      h('option', { value: candidate.id, selected: candidate.id === org?.id }, candidate.name),
    ),
    h('option', { value: '', selected: !org }, 'All organizations…'),
  );

  const nav = org
    ? h(
        'nav',
        { 'aria-label': 'Sections' },
        h(
          'ul',
          {},
          ...NAV.map(([target, label]) =>
            h(
              'li',
              {},
              h(
                'a',
                {
                  href: `#/orgs/${org.id}/${target}`,
                  'aria-current': target === section ? 'page' : undefined,
                },
                label,
              ),
            ),
          ),
        ),
      )
    : null;

  const signOut = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        await call('DELETE', '/console/api/session').catch(() => undefined);
        session = undefined;
        useSession(undefined);
        signedOutMessage = 'You have signed out.';
        location.hash = '#/sign-in';
        showSignIn();
      },
    },
    'Sign out',
  );

  const main = h('main', { id: 'main', tabindex: '-1' }, content);
  root.replaceChildren(
    h('a', { class: 'skip', href: '#main', onclick: skipToMain }, 'Skip to content'),
    h(
      'header',
      { class: 'top' },
      h('span', { class: 'brand' }, 'scimd'),
      h('div', { class: 'org' }, h('label', { for: 'org-switch' }, 'Organization'), orgSelect),
      h('span', { class: 'who' }, session?.email ?? ''),
      signOut,
    ),
    ...(nav ? [nav] : []),
    main,
  );
  const heading = content.querySelector('h1')?.textContent;
  document.title = `${heading ?? 'Console'} · scimd console`;
}

function skipToMain(event: Event): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function notFound(): HTMLElement {
  return h(
    'section',
    {},
    h('h1', {}, 'Not found'),
    h('p', {}, 'This page does not exist.'),
    h('a', { href: '#/' }, 'Go to the start page'),
  );
}

function failed(error: unknown): HTMLElement {
  const message = notice();
  message.show('error', error instanceof Error ? error.message : String(error));
  return h('section', {}, h('h1', {}, 'Something went wrong'), message);
}

window.addEventListener('hashchange', () => void render());
void render();
