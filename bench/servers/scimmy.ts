// Starts the peer SCIM server: SCIMMY with scimmy-routers on Express and an in-memory store, the
// way their documentation shows. It checks only that a bearer token is present. With
// BENCH_SEED_USERS=N it first creates N users through SCIMMY's own write path (what a POST runs,
// without HTTP) and lists a sample of them in the READY line.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import { userBody } from '../lib/people.js';
import type { SeededUser } from '../lib/seed-store.js';

type StoredUser = Record<string, unknown> & { id: string; meta: Record<string, unknown> };
const users = new Map<string, StoredUser>();

SCIMMY.Resources.declare(SCIMMY.Resources.User)
  // The handlers work on plain objects; SCIMMY's generic handler types do not model that.
  .ingress(((resource: { id?: string }, data: Record<string, unknown>) => {
    const now = new Date().toISOString();
    if (resource.id) {
      const existing = users.get(resource.id);
      if (!existing) throw new Error('not found');
      const updated = {
        ...existing,
        ...data,
        id: resource.id,
        meta: { ...existing.meta, lastModified: now },
      };
      users.set(resource.id, updated);
      return updated;
    }
    const id = randomUUID();
    const created = { ...data, id, meta: { created: now, lastModified: now } };
    users.set(id, created);
    return created;
  }) as never)
  .egress(((resource: { id?: string; filter?: { match: (items: unknown[]) => unknown[] } }) => {
    if (resource.id) {
      const user = users.get(resource.id);
      if (!user) throw new Error('not found');
      return user;
    }
    const all = [...users.values()];
    return resource.filter ? resource.filter.match(all) : all;
  }) as never)
  .degress(((resource: { id?: string }) => {
    if (!resource.id || !users.delete(resource.id)) throw new Error('not found');
  }) as never);

const seedCount = Number(process.env.BENCH_SEED_USERS ?? 0);
const sampleEvery = Math.max(1, Math.floor(seedCount / 1000));
const sample: SeededUser[] = [];
for (let index = 0; index < seedCount; index++) {
  const body = userBody('seed', index);
  const written = (await new SCIMMY.Resources.User().write(body)) as unknown as { id: string };
  if (index % sampleEvery === 0 && sample.length < 1000) {
    const userName = body.userName as string;
    sample.push({
      id: written.id,
      userName,
      externalId: body.externalId as string,
      email: userName,
    });
  }
}

const app = express();
app.use(
  '/scim',
  new SCIMMYRouters({
    type: 'bearer',
    docUri: 'https://example.com/bench',
    handler: (request: express.Request) => {
      if (!request.header('Authorization')?.startsWith('Bearer ')) {
        throw new Error('Authorization not detected');
      }
      return 'bench';
    },
  }),
);

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `READY ${JSON.stringify({ url: `http://127.0.0.1:${port}`, scimBaseUrl: `http://127.0.0.1:${port}/scim`, sample })}\n`,
  );
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
