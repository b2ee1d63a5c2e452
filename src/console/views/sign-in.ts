import { call, type Session } from '../api.js';
import { field, h, input, notice, onSubmit, text } from '../dom.js';

/**
 * Sign-in page. On a fresh install it also offers the first-admin form, which needs the
 * bootstrap admin token that the first start printed.
 */
export function signInView(
  message: string | undefined,
  signedIn: (session: Session) => void,
): HTMLElement {
  const status = notice();
  if (message) status.show('ok', message);

  const form = h(
    'form',
    { 'aria-labelledby': 'sign-in-title', novalidate: true },
    field('Email', input('email', { type: 'email', autocomplete: 'username', required: true })),
    field(
      'Password',
      input('password', { type: 'password', autocomplete: 'current-password', required: true }),
    ),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  onSubmit(form, status, async (data) => {
    const session = await call<Session>('POST', '/console/api/session', {
      email: text(data, 'email'),
      password: String(data.get('password') ?? ''),
    });
    signedIn(session);
  });

  const setup = h('section', { class: 'setup', hidden: true, 'aria-labelledby': 'setup-title' });
  void call<{ needed: boolean }>('GET', '/console/api/setup').then((answer) => {
    if (answer.needed) setup.replaceChildren(...setupForm(signedIn));
    setup.hidden = !answer.needed;
  });

  return h(
    'main',
    { id: 'main', class: 'sign-in' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to scimd'),
    status,
    form,
    setup,
  );
}

function setupForm(signedIn: (session: Session) => void): HTMLElement[] {
  const status = notice();
  const form = h(
    'form',
    { novalidate: true },
    field(
      'Admin token',
      input('adminToken', { type: 'password', required: true }),
      'Printed by the first start of scimd, and kept in the data folder as admin-token.',
    ),
    field('Email', input('email', { type: 'email', autocomplete: 'username', required: true })),
    field(
      'New password',
      input('password', { type: 'password', autocomplete: 'new-password', required: true }),
      'At least 12 characters.',
    ),
    h('button', { type: 'submit' }, 'Create first admin'),
  );
  onSubmit(form, status, async (data) => {
    signedIn(
      await call<Session>('POST', '/console/api/setup', {
        adminToken: text(data, 'adminToken'),
        email: text(data, 'email'),
        password: String(data.get('password') ?? ''),
      }),
    );
  });
  return [
    h('h2', { id: 'setup-title' }, 'First start'),
    h('p', {}, 'No console admin exists yet. Create the first one with the admin token.'),
    status,
    form,
  ];
}
