import { type Compilable, CompiledQuery, type DialectAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Placeholder of a named value in a query built once, replaced by the value on every run. */
class Placeholder {
  constructor(readonly name: string) {}
}

interface CompiledTemplate {
  readonly sql: string;
  /** Per SQL parameter: the name of the value to put there, or a constant the query carries. */
  readonly slots: readonly (Placeholder | { readonly constant: unknown })[];
}

/** Gives the placeholder of a named value, typed as the value so that builders accept it. */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

/**
 * A query of a fixed shape, built and compiled once per database and then run with new values.
 * Building and compiling a Kysely query costs more than running a short indexed query on SQLite,
 * so the queries every request makes (authorization, reading one resource) use this.
 *
 * Placeholders must stand for single values (comparisons, inserted values); a list for `in`
 * changes the SQL text with its length and needs an ordinary query.
 */
export class PreparedQuery<P extends Record<string, unknown>, O> {
  /**
   * Templates by dialect adapter: a database and its transactions share one adapter, and the SQL
   * text depends only on the dialect.
   */
  private readonly compiled = new WeakMap<DialectAdapter, CompiledTemplate>();

  constructor(private readonly build: (db: Kysely<Database>, param: Param<P>) => Compilable<O>) {}

  /** Runs the query with `values` and returns its rows. */
  async execute(db: Kysely<Database>, values: P): Promise<O[]> {
    const template = this.templateFor(db);
    const parameters = template.slots.map((slot) =>
      slot instanceof Placeholder ? values[slot.name] : slot.constant,
    );
    const result = await db.executeQuery<O>(CompiledQuery.raw(template.sql, parameters));
    return result.rows;
  }

  /** Runs the query with `values` and returns its first row, if any. */
  async executeTakeFirst(db: Kysely<Database>, values: P): Promise<O | undefined> {
    return (await this.execute(db, values))[0];
  }

  private templateFor(db: Kysely<Database>): CompiledTemplate {
    const adapter = db.getExecutor().adapter;
    const known = this.compiled.get(adapter);
    if (known) return known;

    const param = ((name: string) => new Placeholder(name)) as Param<P>;
    const query = this.build(db, param).compile();
    const template: CompiledTemplate = {
      sql: query.sql,
      slots: query.parameters.map((value) =>
        value instanceof Placeholder ? value : { constant: value },
      ),
    };
    this.compiled.set(adapter, template);
    return template;
  }
}
