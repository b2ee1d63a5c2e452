import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { describeEachDatabase } from '../helpers/databases.js';
import { provisionClient } from '../helpers/fixtures.js';
import { baseUrl, issueToken, newUser, scim, useScimServer } from './scim-client.js';

describeEachDatabase('SCIM list paging', (database) => {
  const fixture = useScimServer(database);
  /** Ids of the seven users created for paging, in creation (and so id) order. */
  const ids: string[] = [];

  before(async () => {
    for (const index of [1, 2, 3, 4, 5, 6, 7]) {
      const response = await scim(fixture.users, {
        token: fixture.token,
        body: newUser(`pager${index}@example.com`),
      });
      ids.push(response.body.id);
    }
  });

  const list = (query: string) => scim(`${fixture.users}?${query}`, { token: fixture.token });
  const idsOf = (body: { Resources: { id: string }[] }) => body.Resources.map((user) => user.id);

  /** Follows nextCursor from an empty cursor and returns every page's ids. */
  const walk = async (query: string, between?: (page: number) => Promise<void>) => {
    const pages: string[][] = [];
    let cursor = '';
    for (;;) {
      const response = await list(`${query}&cursor=${encodeURIComponent(cursor)}`);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      pages.push(idsOf(response.body));
      if (response.body.nextCursor === undefined) return pages;
      cursor = response.body.nextCursor;
      await between?.(pages.length);
    }
  };

  test('startIndex below 1 reads as 1', async () => {
    const response = await list('startIndex=-4&count=2');
    assert.equal(response.body.startIndex, 1);
    assert.deepEqual(idsOf(response.body), ids.slice(0, 2));
  });

  test('count 0 returns only totalResults', async () => {
    const response = await list('count=0');
    assert.equal(response.status, 200);
    assert.equal(response.body.totalResults, 7);
    assert.equal(response.body.itemsPerPage, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('negative count reads as 0', async () => {
    const response = await list('count=-3');
    assert.equal(response.body.totalResults, 7);
    assert.equal(response.body.itemsPerPage, 0);
  });

  test('startIndex past the end is empty', async () => {
    const response = await list('startIndex=9');
    assert.equal(response.body.totalResults, 7);
    assert.equal(response.body.startIndex, 9);
    assert.equal(response.body.itemsPerPage, 0);
    assert.deepEqual(response.body.Resources, []);
  });

  test('last index page is partial', async () => {
    const response = await list('startIndex=6&count=5');
    assert.equal(response.body.itemsPerPage, 2);
    assert.deepEqual(idsOf(response.body), ids.slice(5));
  });

  test('cursor walk visits every user once', async () => {
    const pages = await walk('count=3');
    assert.deepEqual(pages, [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
  });

  test('cursor page omits startIndex', async () => {
    const response = await list('cursor=&count=3');
    assert.equal(response.status, 200);
    assert.equal(response.body.startIndex, undefined);
    assert.equal(response.body.totalResults, 7);
    assert.equal(response.body.itemsPerPage, 3);
    assert.match(response.body.nextCursor, /^[A-Za-z0-9._~-]+$/);
  });

  test('cursor without a value starts paging', async () => {
    const response = await list('cursor&count=7');
    assert.equal(response.status, 200);
    assert.deepEqual(idsOf(response.body), ids);
    assert.equal(response.body.nextCursor, undefined);
  });

  test('sorted cursor walk follows the sort', async () => {
    const pages = await walk('count=2&sortBy=userName&sortOrder=descending');
    assert.deepEqual(pages.flat(), [...ids].reverse());
    assert.equal(pages.length, 4);
  });

  test('cursor walk survives inserts and deletes', async () => {
    const added: string[] = [];
    const deleted = ids[4]!;
    const pages = await walk('count=2&sortBy=userName', async (page) => {
      if (page !== 1) return;
      // One insert and one delete sort before the cursor, and one of each after it.
      const early = await scim(fixture.users, {
        token: fixture.token,
        body: newUser('pager0@example.com'),
      });
      const late = await scim(fixture.users, {
        token: fixture.token,
        body: newUser('pager9@example.com'),
      });
      added.push(early.body.id, late.body.id);
      await scim(`${fixture.users}/${ids[0]}`, { token: fixture.token, method: 'DELETE' });
      await scim(`${fixture.users}/${deleted}`, { token: fixture.token, method: 'DELETE' });
    });

    const seen = pages.flat();
    assert.deepEqual(pages[0], ids.slice(0, 2));
    assert.deepEqual(
      seen.slice(2),
      [ids[2], ids[3], ids[5], ids[6], added[1]],
      'users present throughout appear once, in order, and the late insert follows',
    );

    // Restore the seven users for the other tests.
    for (const id of added)
      await scim(`${fixture.users}/${id}`, { token: fixture.token, method: 'DELETE' });
    for (const index of [0, 4]) {
      const response = await scim(fixture.users, {
        token: fixture.token,
        body: newUser(`pager${index + 1}@example.com`),
      });
      ids[index] = response.body.id;
    }
    ids.sort();
  });

  test('cursor walk with parallel churn', async () => {
    // Users are created and deleted in parallel with the walk, with names between the stable ones.
    let writing = true;
    const churn = (async () => {
      let round = 0;
      while (writing) {
        round += 1;
        const created = await scim(fixture.users, {
          token: fixture.token,
          body: newUser(`pager${(round % 7) + 1}-churn${round}@example.com`),
        });
        await scim(`${fixture.users}/${created.body.id}`, {
          token: fixture.token,
          method: 'DELETE',
        });
      }
    })();
    const pages = await walk('count=1&sortBy=userName');
    writing = false;
    await churn;

    const seen = pages.flat();
    const stable = seen.filter((id) => ids.includes(id));
    const byName = await list('sortBy=userName&count=7');
    assert.deepEqual(stable, idsOf(byName.body), 'each stable user once, in userName order');
    assert.equal(new Set(seen).size, seen.length, 'no user appears twice');
  });

  test('tampered cursor is 400 invalidCursor', async () => {
    const first = await list('cursor=&count=2');
    const cursor: string = first.body.nextCursor;
    const [payload, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, k: ids[5], i: ids[5] })).toString(
      'base64url',
    );

    for (const bad of [
      `${forged}.${mac}`,
      `${payload}.${mac!.slice(1)}A`,
      'garbage',
      '.',
      `${cursor}.x`,
    ]) {
      const response = await list(`cursor=${encodeURIComponent(bad)}&count=2`);
      assert.equal(response.status, 400, bad);
      assert.equal(response.body.scimType, 'invalidCursor', bad);
    }
  });

  test('cursor of another query is 400', async () => {
    const first = await list('cursor=&count=2&sortBy=userName');
    const cursor = encodeURIComponent(first.body.nextCursor);
    for (const other of [
      'sortBy=userName&sortOrder=descending',
      'sortBy=externalId',
      'sortBy=userName&filter=userName%20eq%20%22x%22',
      '',
    ]) {
      const response = await list(`cursor=${cursor}&count=2&${other}`);
      assert.equal(response.status, 400, other);
      assert.equal(response.body.scimType, 'invalidCursor', other);
    }
  });

  test('cursor of another directory is 400', async () => {
    const other = await provisionClient(fixture.server.context.storage);
    const otherUsers = `${baseUrl(fixture.server, other.directory.id)}/Users`;
    const otherToken = await issueToken(fixture.server, other);
    for (const userName of ['x1@example.com', 'x2@example.com']) {
      await scim(otherUsers, { token: otherToken, body: newUser(userName) });
    }
    const first = await scim(`${otherUsers}?cursor=&count=1`, { token: otherToken });
    const response = await list(`cursor=${encodeURIComponent(first.body.nextCursor)}&count=1`);
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidCursor');
  });

  test('cursor with startIndex is 400 invalidValue', async () => {
    const response = await list('cursor=&startIndex=2');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidValue');
    assert.equal(response.body.detail, 'send startIndex or cursor, not both');
  });

  test('cursor with count 0 is 400 invalidCount', async () => {
    const response = await list('cursor=&count=0');
    assert.equal(response.status, 400);
    assert.equal(response.body.scimType, 'invalidCount');
    assert.equal(response.body.detail, 'count must be between 1 and 200 with a cursor; got 0');
  });

  test('cursor count above the maximum is capped', async () => {
    const response = await list('cursor=&count=5000');
    assert.equal(response.status, 200);
    assert.equal(response.body.itemsPerPage, 7);
    assert.equal(response.body.nextCursor, undefined);
  });
});
