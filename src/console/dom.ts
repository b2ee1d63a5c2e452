import { ApiError } from './api.js';

type Child = Node | string | number | false | null | undefined;
type Attributes = Record<string, string | boolean | number | EventListener | undefined>;

/** Builds an element; `on…` attributes become listeners, `false` and undefined are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let nextId = 0;

/** A labelled form control; the label's `for` points at the control. */
export function field(
  label: string,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  hint?: string,
): HTMLElement {
  nextId += 1;
  control.id ||= `field-${nextId}`;
  const children: Child[] = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = `${control.id}-hint`;
    control.setAttribute('aria-describedby', hintId);
    children.push(h('small', { id: hintId, class: 'hint' }, hint));
  }
  return h('div', { class: 'field' }, ...children);
}

export function input(name: string, attributes: Attributes = {}): HTMLInputElement {
  return h('input', { name, type: 'text', autocomplete: 'off', ...attributes });
}

export function select(name: string, options: [string, string][], value?: string) {
  return h(
    'select',
    { name },
    ...options.map(([optionValue, text]) =>
      h('option', { value: optionValue, selected: optionValue === value }, text),
    ),
  );
}

/** A value shown in full with a button that copies it to the clipboard. */
export function copyable(label: string, value: string): HTMLElement {
  const status = h('span', { class: 'copied', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      'aria-label': `Copy ${label}`,
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(value);
          status.textContent = 'Copied';
        } catch {
          status.textContent = 'Select the text and copy it';
        }
      },
    },
    'Copy',
  );
  return h('div', { class: 'copyable' }, h('code', { 'data-copy': label }, value), button, status);
}

/** A region that announces errors and confirmations to screen readers. */
export function notice(): HTMLElement & { show(kind: 'error' | 'ok', text: string): void } {
  const element = h('div', { class: 'notice', role: 'alert', hidden: true });
  return Object.assign(element, {
    show(kind: 'error' | 'ok', text: string) {
      element.className = `notice ${kind}`;
      element.textContent = text;
      element.hidden = false;
    },
  });
}

/**
 * Runs a form's action with its button disabled; an API error is shown in the notice, and the
 * field it names is marked invalid and focused.
 */
export function onSubmit(
  form: HTMLFormElement,
  message: ReturnType<typeof notice>,
  action: (data: FormData) => Promise<void>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    for (const marked of form.querySelectorAll('[aria-invalid]'))
      marked.removeAttribute('aria-invalid');
    message.hidden = true;
    if (button) button.disabled = true;
    try {
      await action(new FormData(form));
    } catch (error) {
      showError(message, error, form);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

export function showError(
  message: ReturnType<typeof notice>,
  error: unknown,
  form?: HTMLFormElement,
): void {
  if (error instanceof ApiError && error.status === 401 && !form) return;
  const text = error instanceof Error ? error.message : String(error);
  message.show('error', text);
  const name = (error as { field?: unknown }).field;
  if (typeof name === 'string' && form) {
    const control = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    control?.setAttribute('aria-invalid', 'true');
    control?.focus();
  }
}

/** A table that scrolls sideways on narrow screens instead of overflowing the page. */
export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, `No ${caption.toLowerCase()} yet.`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...headers.map((text) => h('th', { scope: 'col' }, text)))),
      h(
        'tbody',
        {},
        ...rows.map((cells) => h('tr', {}, ...cells.map((cell) => h('td', {}, cell)))),
      ),
    ),
  );
}

export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}
