/** Creates `count` users through SCIM POST with `concurrency` requests in flight; returns their ids. */
export async function seedUsers(
  scimBaseUrl: string,
  token: string,
  count: number,
  prefix: string,
  concurrency = 32,
): Promise<Array<{ id: string; userName: string }>> {
  const created: Array<{ id: string; userName: string }> = [];
  let next = 0;

  async function worker(): Promise<void> {
    while (next < count) {
      const index = next++;
      const userName = `${prefix}.${index}@example.com`;
      const response = await fetch(`${scimBaseUrl}/Users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify(userBody(userName)),
      });
      const body = (await response.json()) as { id: string };
      if (response.status !== 201)
        throw new Error(`seeding ${userName} failed: ${response.status}`);
      created.push({ id: body.id, userName });
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return created;
}

/** A typical user as identity providers send it. */
export function userBody(userName: string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName,
    externalId: `ext-${userName}`,
    name: { givenName: 'Bench', familyName: 'User' },
    displayName: 'Bench User',
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  };
}
