import { ScimError } from '../errors.js';
import { type AttributeDefinition, findAttribute } from '../schema/attribute.js';
import { schemaAttributes } from '../schema/resolve.js';
import { findResourceSchema, type ResourceTypeDefinition } from '../schema/resource-types.js';
import { isStorableText, UNSTORABLE_TEXT } from '../text.js';
import {
  type AttributePath,
  type CompareOperator,
  type CompareValue,
  type FilterNode,
  formatPath,
} from './ast.js';

/**
 * An attribute a filter names, resolved to its definitions. Inside a value path the attribute is
 * a sub-attribute of the element, and `extension` and `subAttribute` are absent.
 */
export interface FilterTarget {
  /** Schema URN of an extension attribute, the key its object sits under. */
  readonly extension?: string;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
  /** Canonical path (`name.givenName`, `urn:…:User:manager.value`), for columns and messages. */
  readonly name: string;
}

/** A filter whose paths are resolved and whose literals are checked against attribute types. */
export type ResolvedFilter =
  | {
      readonly kind: 'compare';
      readonly target: FilterTarget;
      readonly operator: CompareOperator;
      /** The literal; a dateTime literal is normalised to `Date.toISOString()` form. */
      readonly value: CompareValue;
    }
  | { readonly kind: 'present'; readonly target: FilterTarget }
  | { readonly kind: 'and' | 'or'; readonly left: ResolvedFilter; readonly right: ResolvedFilter }
  | { readonly kind: 'not'; readonly operand: ResolvedFilter }
  | { readonly kind: 'valuePath'; readonly target: FilterTarget; readonly filter: ResolvedFilter };

/** Returns the definition of a target's values: the sub-attribute, or the attribute itself. */
export function leafOf(target: FilterTarget): AttributeDefinition {
  return target.subAttribute ?? target.attribute;
}

// xsd:dateTime (RFC 7643 §2.3.5); the time zone is optional in XML Schema.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const ORDERING = new Set<CompareOperator>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING = new Set<CompareOperator>(['co', 'sw', 'ew']);

/**
 * Resolves a filter against a resource type: each path to an attribute it defines, each literal
 * checked against the attribute's type (RFC 7644 §3.4.2.2). Throws `invalidFilter` naming the
 * path or literal at fault.
 */
export function resolveFilter(
  node: FilterNode,
  resourceType: ResourceTypeDefinition,
): ResolvedFilter {
  return resolveNode(node, (path) => resolveResourcePath(path, resourceType), resourceType.name);
}

/**
 * Resolves the filter of a value path, `emails[type eq "work"]`, whose paths name
 * sub-attributes of one element. `owner` names the multi-valued attribute in messages.
 */
export function resolveElementFilter(
  node: FilterNode,
  subAttributes: readonly AttributeDefinition[],
  owner: string,
): ResolvedFilter {
  return resolveNode(node, (path) => resolveElementPath(path, subAttributes, owner), owner);
}

type PathResolver = (path: AttributePath) => FilterTarget;

function resolveNode(node: FilterNode, resolvePath: PathResolver, scope: string): ResolvedFilter {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        left: resolveNode(node.left, resolvePath, scope),
        right: resolveNode(node.right, resolvePath, scope),
      };
    case 'not':
      return { kind: 'not', operand: resolveNode(node.operand, resolvePath, scope) };
    case 'present':
      return { kind: 'present', target: resolvePath(node.path) };
    case 'compare': {
      const target = resolvePath(node.path);
      return {
        kind: 'compare',
        target,
        operator: node.operator,
        value: checkLiteral(target, node.operator, node.value, node.path),
      };
    }
    case 'valuePath': {
      const target = resolvePath(node.path);
      const { attribute } = target;
      if (!attribute.multiValued || attribute.type !== 'complex') {
        throw invalid(
          node.path,
          `${target.name} is not a multi-valued complex attribute, so it takes no [filter]`,
        );
      }
      const filter = resolveElementFilter(node.filter, attribute.subAttributes ?? [], target.name);
      return { kind: 'valuePath', target, filter };
    }
  }
}

/**
 * Resolves one attribute path of a resource type, as a filter or `sortBy` names it. `use` ends
 * the message for a never-returned attribute. Throws `invalidFilter` naming the path.
 */
export function resolveResourcePath(
  path: AttributePath,
  resourceType: ResourceTypeDefinition,
  use = 'filtered on',
): FilterTarget {
  const schema = path.schema ? findResourceSchema(resourceType, path.schema) : resourceType.schema;
  if (!schema) {
    throw invalid(path, `${path.schema} is not a schema of ${resourceType.name}`);
  }

  const isCore = schema === resourceType.schema;
  const attribute = findAttribute(schemaAttributes(resourceType, schema), path.attribute);
  const subAttribute =
    attribute && path.subAttribute !== undefined
      ? findAttribute(attribute.subAttributes ?? [], path.subAttribute)
      : undefined;
  if (!attribute || (path.subAttribute !== undefined && !subAttribute)) {
    throw invalid(path, `${formatPath(path)} is not an attribute of ${resourceType.name}`);
  }

  const local = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
  const target: FilterTarget = {
    ...(isCore ? {} : { extension: schema.id }),
    attribute,
    ...(subAttribute ? { subAttribute } : {}),
    name: isCore ? local : `${schema.id}:${local}`,
  };
  checkReturned(target, path, use);
  return target;
}

function resolveElementPath(
  path: AttributePath,
  subAttributes: readonly AttributeDefinition[],
  owner: string,
): FilterTarget {
  if (path.schema !== undefined || path.subAttribute !== undefined) {
    throw invalid(path, `inside ${owner}[…] name a sub-attribute of ${owner}, such as value`);
  }
  const attribute = findAttribute(subAttributes, path.attribute);
  if (!attribute) {
    throw invalid(path, `${path.attribute} is not a sub-attribute of ${owner}`);
  }
  const target = { attribute, name: `${owner}.${attribute.name}` };
  checkReturned(target, path, 'filtered on');
  return target;
}

// A filter or sort on a write-only attribute would reveal its stored value one guess at a time.
function checkReturned(target: FilterTarget, path: AttributePath, use: string): void {
  if (leafOf(target).returned === 'never' || target.attribute.returned === 'never') {
    throw invalid(path, `${target.name} is never returned, so it cannot be ${use}`);
  }
}

function checkLiteral(
  target: FilterTarget,
  operator: CompareOperator,
  value: CompareValue,
  path: AttributePath,
): CompareValue {
  const leaf = leafOf(target);
  const name = target.name;

  if (leaf.type === 'complex') {
    throw invalid(
      path,
      `${name} is complex; compare one of its sub-attributes, such as ${name}.value`,
    );
  }
  if (value === null) {
    if (operator === 'eq' || operator === 'ne') return null;
    throw invalid(path, `null can only be compared with eq or ne`);
  }

  switch (leaf.type) {
    case 'boolean':
      if (operator !== 'eq' && operator !== 'ne') {
        throw invalid(
          path,
          `${name} is a boolean, which takes only eq, ne and pr, not ${operator}`,
        );
      }
      if (typeof value !== 'boolean') throw mismatch(path, name, 'true or false', value);
      return value;

    case 'integer':
    case 'decimal':
      if (SUBSTRING.has(operator)) {
        throw invalid(path, `${name} is a number, which takes no ${operator}`);
      }
      if (typeof value !== 'number') throw mismatch(path, name, 'a number', value);
      return value;

    case 'dateTime':
      if (SUBSTRING.has(operator)) {
        throw invalid(path, `${name} is a dateTime, which takes no ${operator}`);
      }
      if (typeof value !== 'string') throw mismatch(path, name, 'a dateTime string', value);
      return normaliseDateTime(value, name, path);

    case 'binary':
      if (ORDERING.has(operator) || SUBSTRING.has(operator)) {
        throw invalid(path, `${name} is binary, which takes only eq, ne and pr, not ${operator}`);
      }
      return checkText(value, name, path);

    default:
      return checkText(value, name, path);
  }
}

function checkText(value: CompareValue, name: string, path: AttributePath): string {
  if (typeof value !== 'string') throw mismatch(path, name, 'a string', value);
  if (!isStorableText(value)) {
    throw invalid(path, `the value for ${name} must not contain ${UNSTORABLE_TEXT}`);
  }
  return value;
}

/** Normalises a dateTime literal to the UTC form `Date.toISOString()` writes, as meta stores it. */
function normaliseDateTime(value: string, name: string, path: AttributePath): string {
  const match = DATE_TIME.exec(value);
  // Date.parse reads a time without a zone as local time, but the literal means UTC here.
  const withZone = match?.[2] ? value : `${value}Z`;
  const instant = match ? Date.parse(withZone) : Number.NaN;
  if (Number.isNaN(instant)) {
    throw mismatch(path, name, 'an xsd:dateTime string such as "2025-01-23T04:56:22Z"', value);
  }
  return new Date(instant).toISOString();
}

function mismatch(path: AttributePath, name: string, expected: string, value: CompareValue) {
  return invalid(path, `${name} must be compared with ${expected}, not ${JSON.stringify(value)}`);
}

function invalid(path: AttributePath, problem: string): ScimError {
  return ScimError.of('invalidFilter', `${problem} (at position ${path.position + 1})`);
}
