import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { parseFilter } from '../../src/scim/filter/parser.js';
import type { ListQuery } from '../../src/scim/list-query.js';
import { groupStore } from '../../src/scim/resources/groups.js';
import {
  insertResource,
  listResources,
  type ResourceStore,
} from '../../src/scim/resources/store.js';
import { userStore } from '../../src/scim/resources/users.js';
import type { Storage } from '../../src/storage/database.js';
import { describeEachDatabase } from '../helpers/databases.js';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const DIRECTORY = 'plans-directory';

const FIRST_PAGE: ListQuery = {
  filter: undefined,
  filterText: undefined,
  sortBy: undefined,
  descending: false,
  startIndex: 1,
  count: 10,
  cursor: undefined,
};

/** Builds a cursor page query that starts after a resource with a non-NULL sort value. */
function cursorPage(sortBy: string | undefined, value: string, descending = false): ListQuery {
  return { ...FIRST_PAGE, sortBy, descending, cursor: 'position', after: { value, id: 'm' } };
}

/** A list whose page query must walk an index in order, and for a cursor page, from a range. */
interface PlanCase {
  readonly name: string;
  readonly store: ResourceStore;
  readonly query: ListQuery;
}

const FIRST_PAGES: readonly PlanCase[] = [
  { name: 'users by id', store: userStore, query: FIRST_PAGE },
  { name: 'users by userName', store: userStore, query: { ...FIRST_PAGE, sortBy: 'userName' } },
  {
    name: 'users by userName descending',
    store: userStore,
    query: { ...FIRST_PAGE, sortBy: 'userName', descending: true },
  },
  {
    name: 'users by displayName',
    store: userStore,
    query: { ...FIRST_PAGE, sortBy: 'displayName' },
  },
  { name: 'users by externalId', store: userStore, query: { ...FIRST_PAGE, sortBy: 'externalId' } },
  {
    name: 'users by meta.created',
    store: userStore,
    query: { ...FIRST_PAGE, sortBy: 'meta.created' },
  },
  {
    name: 'users by meta.lastModified descending',
    store: userStore,
    query: { ...FIRST_PAGE, sortBy: 'meta.lastModified', descending: true },
  },
  { name: 'groups by id', store: groupStore, query: FIRST_PAGE },
  {
    name: 'groups by displayName',
    store: groupStore,
    query: { ...FIRST_PAGE, sortBy: 'displayName' },
  },
  {
    name: 'groups by externalId',
    store: groupStore,
    query: { ...FIRST_PAGE, sortBy: 'externalId' },
  },
];

const CURSOR_PAGES: readonly PlanCase[] = [
  { name: 'users after an id', store: userStore, query: cursorPage(undefined, 'm') },
  { name: 'users after a userName', store: userStore, query: cursorPage('userName', 'user-5') },
  {
    name: 'users after a userName descending',
    store: userStore,
    query: cursorPage('userName', 'user-5', true),
  },
  {
    name: 'users after a displayName',
    store: userStore,
    query: cursorPage('displayName', 'user 5'),
  },
  {
    name: 'users after a meta.created',
    store: userStore,
    query: cursorPage('meta.created', '2026-01-01T00:00:00.000Z'),
  },
  { name: 'groups after a displayName', store: groupStore, query: cursorPage('displayName', 'g') },
];

/** Wraps the storage so that its queries are also compiled into `queries` for EXPLAIN. */
function recordQueries(storage: Storage): { storage: Storage; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const recorder: KyselyPlugin = {
    transformQuery: (args) => {
      queries.push(storage.db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { storage: { ...storage, db: storage.db.withPlugin(recorder) }, queries };
}

describeEachDatabase('list query plans', (database, kind) => {
  let storage: Storage;

  before(async () => {
    storage = await database().open();
    const now = new Date().toISOString();
    await sql`insert into organizations (id, name, created_at) values ('plans-org', 'plans', ${now})`.execute(
      storage.db,
    );
    await sql`insert into directories (id, org_id, name, created_at) values (${DIRECTORY}, 'plans-org', 'plans', ${now})`.execute(
      storage.db,
    );

    for (let i = 0; i < 40; i++) {
      await insertResource(storage, userStore, DIRECTORY, {
        schemas: [USER_SCHEMA],
        userName: `user-${i}`,
        ...(i % 2 === 0 ? { displayName: `User ${i}`, externalId: `e${i}` } : {}),
      });
    }
    for (let i = 0; i < 10; i++) {
      await insertResource(storage, groupStore, DIRECTORY, {
        schemas: [GROUP_SCHEMA],
        displayName: `Group ${i}`,
      });
    }
    // PostgreSQL plans from statistics, which autovacuum would gather in time on a server.
    if (kind === 'postgres') await sql`analyze scim_users, scim_groups`.execute(storage.db);
  });

  after(async () => {
    await storage?.close();
  });

  /** Runs the list and returns the plans of its count query and its page query. */
  async function explainList(
    planCase: PlanCase,
    disableSort = true,
  ): Promise<{ count: string; page: string }> {
    const recording = recordQueries(storage);
    const result = await listResources(
      recording.storage,
      planCase.store,
      DIRECTORY,
      planCase.query,
    );
    assert.ok(result.totalResults > 0, 'the list matches resources');
    assert.equal(recording.queries.length, 2, 'the list runs a count query and a page query');

    const [count, page] = recording.queries as [CompiledQuery, CompiledQuery];
    return { count: await explain(count, disableSort), page: await explain(page, disableSort) };
  }

  /**
   * Returns the plan as text. On PostgreSQL, sequential scans, bitmap scans and, unless
   * `disableSort` is false, sorts are disabled. So even on a small table the planner picks an
   * index scan whenever an index supplies the order, and a Sort node remains only when none does.
   */
  async function explain(query: CompiledQuery, disableSort = true): Promise<string> {
    if (kind === 'sqlite') {
      const plan = await storage.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
      );
      return plan.rows.map((row) => row.detail).join('\n');
    }

    return storage.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      await sql`set local enable_bitmapscan = off`.execute(trx);
      if (disableSort) await sql`set local enable_sort = off`.execute(trx);
      const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${query.sql}`, [...query.parameters]),
      );
      return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  for (const planCase of FIRST_PAGES) {
    test(`first page walks index: ${planCase.name}`, async () => {
      const { page } = await explainList(planCase);
      if (kind === 'sqlite') {
        assert.doesNotMatch(page, /USE TEMP B-TREE FOR ORDER BY/);
        assert.match(page, /USING (COVERING )?INDEX \w+ \(directory_id=\?\)/);
      } else {
        assert.doesNotMatch(page, /\bSort\b/);
        assert.match(page, /Index Scan (Backward )?using \w+/);
      }
    });
  }

  for (const planCase of CURSOR_PAGES) {
    test(`cursor page is index range: ${planCase.name}`, async () => {
      const { page } = await explainList(planCase);
      if (kind === 'sqlite') {
        assert.doesNotMatch(page, /USE TEMP B-TREE FOR ORDER BY/);
        assert.match(page, /USING (COVERING )?INDEX \w+ \(directory_id=\? AND .*[<>]/);
      } else {
        assert.doesNotMatch(page, /\bSort\b/);
        assert.match(page, /Index Cond: .*(ROW\(|\(id\)::text [<>])/);
      }
    });
  }

  for (const sortBy of [undefined, 'userName']) {
    test(`externalId filter uses its index: ${sortBy ?? 'id'}`, async () => {
      const filterText = 'externalId eq "e2"';
      const query = { ...FIRST_PAGE, sortBy, filter: parseFilter(filterText), filterText };
      // Sorting stays enabled, because a sort of the one match is the plan expected here.
      const { page } = await explainList({ name: 'users', store: userStore, query }, false);
      if (kind === 'sqlite') {
        assert.match(
          page,
          /scim_users_directory_external_id \(directory_id=\? AND external_id=\?\)/,
        );
      } else {
        assert.match(page, /Index Cond: .*external_id/);
      }
    });
  }

  test('count reads only an index', async () => {
    const { count } = await explainList({ name: 'users', store: userStore, query: FIRST_PAGE });
    if (kind === 'sqlite') {
      assert.match(count, /USING COVERING INDEX \w+ \(directory_id=\?\)/);
    } else {
      assert.match(count, /Index Only Scan using \w+/);
    }
  });
});
