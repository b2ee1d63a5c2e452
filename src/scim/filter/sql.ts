import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../../storage/dialects/types.js';
import { ScimError } from '../errors.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResourceTypeDefinition } from '../schema/resource-types.js';
import type { CompareOperator, CompareValue, FilterNode } from './ast.js';
import { type FilterTarget, leafOf, type ResolvedFilter, resolveFilter } from './resolve.js';
import { type FilterSqlDialect, filterSql } from './sql-dialect.js';

type Expression = RawBuilder<unknown>;
type Condition = RawBuilder<SqlBool>;

/**
 * A table column that stores one attribute. Boolean columns store 1 and 0; dateTime columns
 * store `Date.toISOString()` text.
 */
export interface FilterColumn {
  readonly column: string;
  /** Whether the column stores the value lower-cased, for attributes with `caseExact` false. */
  readonly lowerCased: boolean;
}

/** A table with one row per value of a multi-valued attribute, joined by the resource id. */
export interface ElementTable {
  readonly table: string;
  /** The column holding the id of the resource the row belongs to. */
  readonly ownerColumn: string;
  /** Columns by sub-attribute name (`value`, `type`). */
  readonly columns: Readonly<Record<string, FilterColumn>>;
  /** Whether the resource JSON stores the attribute too, for filters the table cannot evaluate. */
  readonly inJson: boolean;
}

/** The columns and tables of a resource type that filters read besides its JSON `resource` column. */
export interface FilterColumns {
  /** Columns by canonical attribute path (`userName`, `meta.created`). */
  readonly scalars: Readonly<Record<string, FilterColumn>>;
  /** Element tables by multi-valued attribute name (`emails`, `members`). */
  readonly elements: Readonly<Record<string, ElementTable>>;
}

/** The storage layout a filter compiles against; `ResourceStore` satisfies it. */
export interface FilterStore {
  readonly table: string;
  readonly resourceType: ResourceTypeDefinition;
  readonly filterColumns: FilterColumns;
}

/**
 * Compiles a filter into an SQL condition on the store's table, with the semantics of
 * `matchesFilter` in evaluate.ts. Throws `invalidFilter` for a path the resource type does not
 * define and for a literal of the wrong type.
 */
export function compileFilter(
  node: FilterNode,
  store: FilterStore,
  dialect: DialectName,
): Condition {
  const resolved = resolveFilter(node, store.resourceType);
  return new Compiler(store, filterSql(dialect)).compile(resolved, { kind: 'resource' });
}

/** The context that paths are relative to: the resource row, a JSON array element, or an element-table row. */
type Scope =
  | { readonly kind: 'resource' }
  | { readonly kind: 'jsonElement'; readonly document: Expression }
  | { readonly kind: 'tableElement'; readonly alias: string; readonly table: ElementTable };

/**
 * The values a path names: `expression` read in the row, or in each row that `exists` ranges
 * over for a multi-valued attribute.
 */
interface ValueSource {
  readonly expression: Expression;
  /** Whether the expression is lower-cased already. */
  readonly lowerCased: boolean;
  /** Whether booleans read as 1 and 0 (columns) rather than the dialect's JSON boolean. */
  readonly fromColumn: boolean;
  readonly exists?: (condition: Condition) => Condition;
}

class Compiler {
  private aliases = 0;

  constructor(
    private readonly store: FilterStore,
    private readonly dialect: FilterSqlDialect,
  ) {}

  compile(node: ResolvedFilter, scope: Scope): Condition {
    switch (node.kind) {
      case 'and':
        return sql<SqlBool>`(${this.compile(node.left, scope)} and ${this.compile(node.right, scope)})`;
      case 'or':
        return sql<SqlBool>`(${this.compile(node.left, scope)} or ${this.compile(node.right, scope)})`;
      case 'not':
        return sql<SqlBool>`(not ${this.compile(node.operand, scope)})`;
      case 'present':
        return this.present(node.target, scope);
      case 'compare':
        return this.compare(node.target, node.operator, node.value, scope);
      case 'valuePath':
        return this.valuePath(node.target, node.filter);
    }
  }

  private present(target: FilterTarget, scope: Scope): Condition {
    const leaf = leafOf(target);
    if (
      leaf.type === 'complex' &&
      scope.kind === 'resource' &&
      !this.elementTable(target, undefined)
    ) {
      return this.complexPresent(target);
    }
    const source = this.source(target, scope);
    const assigned = this.assigned(leaf, source);
    return source.exists ? source.exists(assigned) : assigned;
  }

  /** `name pr` or `emails pr`: some object has a sub-attribute with a value. */
  private complexPresent(target: FilterTarget): Condition {
    const document = this.resourceDocument();
    if (!target.attribute.multiValued) {
      return this.dialect.objectHasValue(document, jsonKeys(target));
    }
    const alias = this.nextAlias();
    const from = this.dialect.arrayElements(document, jsonKeys(target), alias);
    const element = this.dialect.objectHasValue(sql.ref(`${alias}.value`), []);
    return sql<SqlBool>`exists (select 1 from ${from} where ${element})`;
  }

  /** Builds the condition that a value is assigned: not null, and for text not "" either, as in the evaluator. */
  private assigned(leaf: AttributeDefinition, source: ValueSource): Condition {
    if (!isText(leaf)) return sql<SqlBool>`${source.expression} is not null`;
    return sql<SqlBool>`(${source.expression} is not null and ${source.expression} <> '')`;
  }

  private compare(
    target: FilterTarget,
    operator: CompareOperator,
    value: CompareValue,
    scope: Scope,
  ): Condition {
    // `ne` is the negation of `eq`, as in the in-memory evaluator.
    if (operator === 'ne') {
      return sql<SqlBool>`(not ${this.compare(target, 'eq', value, scope)})`;
    }

    const leaf = leafOf(target);
    const source = this.source(target, scope);
    const assigned = this.assigned(leaf, source);
    if (value === null) {
      return sql<SqlBool>`(not ${source.exists ? source.exists(assigned) : assigned})`;
    }

    const test = this.test(leaf, source, operator, value);
    const guarded = sql<SqlBool>`(${assigned} and ${test})`;
    return source.exists ? source.exists(guarded) : guarded;
  }

  /** Compares one non-null value with a literal that `resolveFilter` checked against the type. */
  private test(
    leaf: AttributeDefinition,
    source: ValueSource,
    operator: CompareOperator,
    value: Exclude<CompareValue, null>,
  ): Condition {
    if (typeof value === 'boolean') {
      let literal = this.dialect.jsonBoolean(value);
      if (source.fromColumn) literal = sql.lit(value ? 1 : 0);
      return sql<SqlBool>`${source.expression} = ${literal}`;
    }
    if (typeof value === 'number') return orderedTest(source.expression, operator, value);

    // dateTime columns hold UTC text in one letter case, so they compare without folding.
    const fold = !leaf.caseExact && leaf.type !== 'dateTime';
    // NOTE: SQLite's lower() folds ASCII letters only, while the evaluator's toLowerCase() folds
    // every letter, so non-ASCII text read from JSON can compare differently on SQLite.
    const text = fold && !source.lowerCased ? sql`lower(${source.expression})` : source.expression;
    const literal = fold ? value.toLowerCase() : value;

    switch (operator) {
      case 'co':
      case 'sw':
      case 'ew':
        // Every string contains, starts and ends with the empty string.
        if (literal === '') return sql<SqlBool>`1 = 1`;
        if (operator === 'co') return this.dialect.contains(text, literal);
        if (operator === 'sw') return this.dialect.startsWith(text, literal);
        return this.dialect.endsWith(text, literal);
      case 'eq':
        // Equality needs no collation, and leaving it out keeps PostgreSQL indexes usable.
        return orderedTest(text, operator, literal);
      default:
        return orderedTest(this.dialect.ordered(text), operator, literal);
    }
  }

  private valuePath(target: FilterTarget, filter: ResolvedFilter): Condition {
    const table = this.elementTable(target, filter);
    if (table) {
      const alias = this.nextAlias();
      const inner = this.compile(filter, { kind: 'tableElement', alias, table });
      return this.inElementTable(table, alias, inner);
    }

    const alias = this.nextAlias();
    const element = sql.ref(`${alias}.value`);
    const inner = this.compile(filter, { kind: 'jsonElement', document: element });
    const from = this.dialect.arrayElements(this.resourceDocument(), jsonKeys(target), alias);
    const assigned = this.dialect.objectHasValue(element, []);
    return sql<SqlBool>`exists (select 1 from ${from} where ${assigned} and ${inner})`;
  }

  private source(target: FilterTarget, scope: Scope): ValueSource {
    const leaf = leafOf(target);
    const type = leaf.type === 'integer' || leaf.type === 'decimal' ? 'number' : 'text';

    if (scope.kind === 'jsonElement') {
      const keys = [target.attribute.name];
      return json(this.dialect.jsonScalar(scope.document, keys, type));
    }
    if (scope.kind === 'tableElement') {
      const column = scope.table.columns[target.attribute.name];
      if (!column) throw notFilterable(target.name);
      return fromColumn(sql.ref(`${scope.alias}.${column.column}`), column);
    }

    const column = this.store.filterColumns.scalars[target.name];
    if (column) return fromColumn(sql.ref(`${this.store.table}.${column.column}`), column);
    // The JSON stores no `meta`; only its columns are filterable.
    if (target.attribute.name === 'meta' && !target.extension) throw notFilterable(target.name);

    const { attribute, subAttribute } = target;
    if (!attribute.multiValued) {
      const keys = [...jsonKeys(target), ...(subAttribute ? [subAttribute.name] : [])];
      return json(this.dialect.jsonScalar(this.resourceDocument(), keys, type));
    }

    const table = this.elementTable(target, undefined);
    if (table) {
      const alias = this.nextAlias();
      // Without a sub-attribute, as in `members pr`, any row is a value.
      const column = subAttribute
        ? table.columns[subAttribute.name]
        : { column: table.ownerColumn, lowerCased: false };
      if (!column) throw notFilterable(target.name);
      return {
        ...fromColumn(sql.ref(`${alias}.${column.column}`), column),
        exists: (condition) => this.inElementTable(table, alias, condition),
      };
    }

    // Every multi-valued attribute of the schemas is complex, so elements are JSON objects.
    if (!subAttribute) {
      if (attribute.type !== 'complex') throw notFilterable(target.name);
      const alias = this.nextAlias();
      const from = this.dialect.arrayElements(this.resourceDocument(), jsonKeys(target), alias);
      return {
        ...json(sql.ref(`${alias}.value`)),
        exists: (condition) => sql<SqlBool>`exists (select 1 from ${from} where ${condition})`,
      };
    }
    const alias = this.nextAlias();
    const from = this.dialect.arrayElements(this.resourceDocument(), jsonKeys(target), alias);
    const element = this.dialect.jsonScalar(sql.ref(`${alias}.value`), [subAttribute.name], type);
    return {
      ...json(element),
      exists: (condition) => sql<SqlBool>`exists (select 1 from ${from} where ${condition})`,
    };
  }

  /**
   * Returns the element table for a multi-valued attribute when it can evaluate the condition:
   * always for an attribute the JSON lacks (group members), and otherwise only for a plain
   * `attr.sub` path whose sub-attribute has a column. A value path over JSON elements stays in
   * JSON, because the table has no row for an element whose indexed value is unassigned.
   */
  private elementTable(target: FilterTarget, filter: ResolvedFilter | undefined) {
    if (target.extension) return undefined;
    const table = this.store.filterColumns.elements[target.attribute.name];
    if (!table) {
      if (isDerived(target.attribute)) throw notFilterable(target.name);
      return undefined;
    }
    if (!table.inJson) return table;
    if (filter || !target.subAttribute) return undefined;
    return table.columns[target.subAttribute.name] ? table : undefined;
  }

  /**
   * Builds `id in (owners of matching rows)`. Unlike a correlated EXISTS, the subquery can start
   * from an index on the element column, such as the email or member id searched for.
   */
  private inElementTable(table: ElementTable, alias: string, condition: Condition): Condition {
    const owner = sql.ref(`${alias}.${table.ownerColumn}`);
    const id = sql.ref(`${this.store.table}.id`);
    return sql<SqlBool>`${id} in (select ${owner} from ${sql.table(table.table)} as ${sql.ref(alias)} where ${condition})`;
  }

  private resourceDocument(): Expression {
    return sql.ref(`${this.store.table}.resource`);
  }

  private nextAlias(): string {
    this.aliases += 1;
    return `filter_element_${this.aliases}`;
  }
}

function orderedTest(text: Expression, operator: CompareOperator, literal: string | number) {
  const symbol = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' }[operator as 'eq'];
  if (!symbol) throw new Error(`the operator ${operator} has no ordering`);
  return sql<SqlBool>`${text} ${sql.raw(symbol)} ${literal}`;
}

function json(expression: Expression): ValueSource {
  return { expression, lowerCased: false, fromColumn: false };
}

function fromColumn(expression: Expression, column: FilterColumn): ValueSource {
  return { expression, lowerCased: column.lowerCased, fromColumn: true };
}

function jsonKeys(target: FilterTarget): string[] {
  return target.extension ? [target.extension, target.attribute.name] : [target.attribute.name];
}

function isText(definition: AttributeDefinition): boolean {
  return ['string', 'reference', 'binary', 'dateTime'].includes(definition.type);
}

// Server-computed attributes that the resource JSON does not store (`groups` of a User).
function isDerived(definition: AttributeDefinition): boolean {
  return definition.mutability === 'readOnly' && definition.multiValued;
}

function notFilterable(name: string): ScimError {
  // TODO: `groups` of a User and `members.display` / `members.$ref` of a Group are computed
  // from the membership table and are not filterable yet.
  return ScimError.of('invalidFilter', `filtering on ${name} is not supported yet`);
}
