import { ApiError, admin } from '../api.js';
import { field, formatTime, h, input, notice, onSubmit, select, table, text } from '../dom.js';
import type { Directory, ViewContext } from '../types.js';

interface AuditEvent {
  id: string;
  time: string;
  actorType: string;
  actor: string;
  action: string;
  directoryId: string | null;
  targets: Record<string, string>;
  outcome: string;
  reason: string | null;
}

interface AuditPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

/** Who did what and when: admin actions, token issuance and SCIM changes, newest first. */
export async function auditView(context: ViewContext): Promise<HTMLElement> {
  const orgPath = `/orgs/${context.org.id}`;
  const directories = await admin<Directory[]>('GET', `${orgPath}/directories`);
  const directoryName = (id: string | null) =>
    id ? (directories.find((directory) => directory.id === id)?.name ?? id) : '';

  const status = notice();
  const results = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'inline', novalidate: true },
    field('Actor', input('actor'), 'Client ID, admin id or admin-token.'),
    field('Action', input('action', { list: 'audit-actions' })),
    h(
      'datalist',
      { id: 'audit-actions' },
      ...['token.issue', 'scim.user.create', 'scim.user.replace', 'scim.user.delete'].map((value) =>
        h('option', { value }),
      ),
    ),
    field(
      'Directory',
      select('directoryId', [
        ['', 'All directories'],
        ...directories.map((directory): [string, string] => [directory.id, directory.name]),
      ]),
    ),
    field('From', input('since', { type: 'datetime-local' })),
    field('To', input('until', { type: 'datetime-local' })),
    h('button', { type: 'submit' }, 'Filter'),
  );

  const load = async (data: FormData, cursor?: string) => {
    const query = new URLSearchParams();
    for (const name of ['actor', 'action', 'directoryId']) {
      if (text(data, name)) query.set(name, text(data, name));
    }
    for (const name of ['since', 'until']) {
      if (text(data, name)) query.set(name, new Date(text(data, name)).toISOString());
    }
    if (cursor) query.set('cursor', cursor);

    const page = await admin<AuditPage>('GET', `${orgPath}/audit?${query}`);
    const more = page.nextCursor
      ? h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () =>
              load(data, page.nextCursor ?? undefined).catch((error) =>
                status.show('error', String(error)),
              ),
          },
          'Older events',
        )
      : null;
    results.replaceChildren(
      table(
        'Audit events',
        ['Time', 'Actor', 'Action', 'Directory', 'Targets', 'Outcome'],
        page.events.map((event) => [
          formatTime(event.time),
          `${event.actorType}: ${event.actor}`,
          h('code', {}, event.action),
          directoryName(event.directoryId),
          Object.entries(event.targets)
            .map(([name, value]) => `${name}=${value}`)
            .join(', '),
          event.outcome === 'success' ? 'success' : `${event.outcome} (${event.reason ?? ''})`,
        ]),
      ),
      ...(more ? [h('div', { class: 'pager' }, more)] : []),
    );
  };
  onSubmit(form, status, (data) => load(data));

  try {
    await load(new FormData(form));
  } catch (error) {
    // A server without the audit route returns the admin API's generic 404.
    if (
      error instanceof ApiError &&
      error.status === 404 &&
      error.message.startsWith('no admin route')
    ) {
      return h(
        'section',
        {},
        h('h1', {}, 'Audit log'),
        h('p', { class: 'empty' }, 'The audit log is not available on this server.'),
      );
    }
    throw error;
  }

  return h('section', {}, h('h1', {}, 'Audit log'), form, status, results);
}
