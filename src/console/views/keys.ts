import { admin } from '../api.js';
import { field, h, input, notice, onSubmit, select, showError, table, text } from '../dom.js';
import type { Client, Jwk, ViewContext } from '../types.js';

/** WebCrypto parameters for turning a PEM public key into a JWK, by JOSE algorithm. */
const PEM_ALGORITHMS: Record<string, RsaHashedImportParams | EcKeyImportParams | Algorithm> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  EdDSA: { name: 'Ed25519' },
};

/** The public keys a client signs assertions with: inline keys, a JWKS URL, or both. */
export function keysPanel(context: ViewContext, client: Client): HTMLElement {
  const path = `/orgs/${context.org.id}/clients/${client.clientId}/keys`;
  const keys = client.jwks?.keys ?? [];
  const status = notice();

  const save = async (next: { keys: Jwk[] } | null, jwksUri: string | null) => {
    if (next?.keys.length === 0) next = null;
    if (!next && !jwksUri) await admin('DELETE', path);
    else await admin('PUT', path, { jwks: next, jwksUri });
    context.refresh();
  };

  const keyTable = table(
    `Keys of ${client.name}`,
    ['Key ID (kid)', 'Type', 'Algorithm', ''],
    keys.map((key) => [
      h('code', {}, key.kid ?? '—'),
      key.kty ?? '',
      key.alg ?? '',
      h(
        'button',
        {
          type: 'button',
          class: 'danger small',
          'aria-label': `Remove key ${key.kid ?? ''}`,
          onclick: () =>
            save({ keys: keys.filter((other) => other !== key) }, client.jwksUri).catch((error) =>
              showError(status, error),
            ),
        },
        'Remove',
      ),
    ]),
  );

  const pasteForm = h(
    'form',
    { novalidate: true },
    field(
      'Public key',
      h('textarea', { name: 'key', rows: 5, spellcheck: 'false', required: true }),
      'Paste a public JWK, a JWKS ({"keys": [...]}) or a PEM public key (-----BEGIN PUBLIC KEY-----).',
    ),
    field(
      'Key ID (kid)',
      input('kid', { maxlength: 200 }),
      'Needed for a PEM key, or a JWK without kid.',
    ),
    field(
      'Algorithm',
      select(
        'alg',
        Object.keys(PEM_ALGORITHMS).map((alg) => [alg, alg]),
        'RS256',
      ),
      'Used for a PEM key.',
    ),
    h('button', { type: 'submit' }, 'Add key'),
  );
  onSubmit(pasteForm, status, async (data) => {
    const added = await parseKeys(text(data, 'key'), text(data, 'kid'), text(data, 'alg'));
    const kept = keys.filter((key) => !added.some((other) => other.kid === key.kid));
    await save({ keys: [...kept, ...added] }, client.jwksUri);
  });

  const remote = h('div', { class: 'remote', role: 'status' });
  const uriForm = h(
    'form',
    { class: 'inline', novalidate: true },
    field(
      'JWKS URL',
      input('jwksUri', { type: 'url', value: client.jwksUri ?? '' }),
      'HTTPS address the server fetches the keys from.',
    ),
    h('button', { type: 'submit' }, 'Save URL'),
  );
  onSubmit(uriForm, status, async (data) => {
    const uri = text(data, 'jwksUri');
    await save(client.jwks, uri === '' ? null : uri);
  });

  const showRemote = async () => {
    remote.replaceChildren(h('p', {}, 'Fetching…'));
    try {
      const fetched = await admin<{ jwksUri: string; keys: Jwk[] }>('GET', `${path}/remote`);
      remote.replaceChildren(
        table(
          `Keys fetched from ${fetched.jwksUri}`,
          ['Key ID (kid)', 'Type', 'Algorithm'],
          fetched.keys.map((key) => [h('code', {}, key.kid ?? '—'), key.kty ?? '', key.alg ?? '']),
        ),
      );
    } catch (error) {
      remote.replaceChildren();
      showError(status, error);
    }
  };

  return h(
    'section',
    { class: 'keys', 'aria-label': `Keys of ${client.name}` },
    h('h4', {}, 'Registered keys'),
    keyTable,
    client.jwksUri
      ? h(
          'p',
          {},
          'JWKS URL: ',
          h('code', {}, client.jwksUri),
          ' ',
          h(
            'button',
            { type: 'button', class: 'secondary small', onclick: showRemote },
            'Show fetched keys',
          ),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'danger small',
              onclick: () => save(client.jwks, null).catch((error) => showError(status, error)),
            },
            'Remove URL',
          ),
        )
      : null,
    remote,
    status,
    h('details', {}, h('summary', {}, 'Register keys'), pasteForm, uriForm),
  );
}

/** Reads pasted keys: a JWKS, one JWK, or a PEM public key converted with WebCrypto. */
async function parseKeys(pasted: string, kid: string, alg: string): Promise<Jwk[]> {
  if (pasted === '') throw fieldError('key', 'paste a public key first');

  if (pasted.startsWith('-----BEGIN PUBLIC KEY-----')) {
    if (!kid) throw fieldError('kid', 'a PEM key needs a key ID (kid)');
    if (!crypto.subtle)
      throw fieldError('key', 'PEM keys need the console over HTTPS; paste a JWK instead');
    const der = Uint8Array.from(atob(pasted.replace(/-----[^-]+-----|\s/g, '')), (c) =>
      c.charCodeAt(0),
    );
    const algorithm = PEM_ALGORITHMS[alg];
    if (!algorithm) throw fieldError('alg', 'choose an algorithm');
    try {
      const key = await crypto.subtle.importKey('spki', der, algorithm, true, ['verify']);
      const jwk = (await crypto.subtle.exportKey('jwk', key)) as Jwk;
      delete jwk.key_ops;
      delete jwk.ext;
      return [{ ...jwk, kid, alg, use: 'sig' }];
    } catch {
      throw fieldError('key', `the PEM text is not a ${alg} public key`);
    }
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(pasted);
  } catch {
    throw fieldError('key', 'not JSON and not a PEM public key');
  }
  const list = isObject(parsed) && Array.isArray(parsed.keys) ? parsed.keys : [parsed];
  return list.map((key) => {
    if (!isObject(key)) throw fieldError('key', 'each key must be a JSON object');
    const jwk = { ...key } as Jwk;
    if (!jwk.kid) {
      if (!kid || list.length > 1) throw fieldError('kid', 'every key needs a key ID (kid)');
      jwk.kid = kid;
    }
    return jwk;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldError(name: string, message: string): Error & { field: string } {
  return Object.assign(new Error(`${name}: ${message}`), { field: name });
}
