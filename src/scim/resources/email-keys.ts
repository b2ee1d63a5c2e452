import type { Executor } from './events.js';

/**
 * Lists the lower-cased, distinct `emails.value` of a user's attributes: the keys that
 * `scim_user_emails` indexes for filters, since `emails.value` is not case-exact.
 */
export function emailKeys(attributes: Record<string, unknown>): string[] {
  const emails = Array.isArray(attributes.emails) ? attributes.emails : [];
  const keys = emails.flatMap((email) => {
    const value = typeof email === 'object' && email !== null ? email.value : undefined;
    return typeof value === 'string' && value !== '' ? [value.toLowerCase()] : [];
  });
  return [...new Set(keys)];
}

/**
 * Writes the indexed email keys of a user, inside the transaction that writes the user. With the
 * user's `previous` attributes, the rows are replaced only when the keys changed, so that an
 * update of other attributes writes no email rows.
 */
export async function writeEmailKeys(
  trx: Executor,
  directoryId: string,
  userId: string,
  attributes: Record<string, unknown>,
  previous?: Record<string, unknown>,
): Promise<void> {
  const keys = emailKeys(attributes);
  if (previous) {
    const before = emailKeys(previous);
    if (before.length === keys.length && before.every((key, index) => key === keys[index])) return;
    await trx.deleteFrom('scim_user_emails').where('user_id', '=', userId).execute();
  }

  const rows = keys.map((key) => ({
    user_id: userId,
    directory_id: directoryId,
    value_key: key,
  }));
  if (rows.length > 0) await trx.insertInto('scim_user_emails').values(rows).execute();
}
