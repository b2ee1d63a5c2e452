/** An attribute path of a filter: `[schema URN ":"] attribute ["." subAttribute]` (RFC 7644 §3.4.2.2). */
export interface AttributePath {
  /** Schema URN as written, when the path was fully qualified. */
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
  /** 0-based offset of the path in the filter text, for error messages. */
  readonly position: number;
}

export const COMPARE_OPERATORS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'] as const;
export type CompareOperator = (typeof COMPARE_OPERATORS)[number];

/** A comparison value: a JSON string, number, boolean or null. */
export type CompareValue = string | number | boolean | null;

/** `attrPath compareOp compValue`. */
export interface CompareNode {
  readonly kind: 'compare';
  readonly path: AttributePath;
  readonly operator: CompareOperator;
  readonly value: CompareValue;
}

/** `attrPath pr`: the attribute has a value. */
export interface PresentNode {
  readonly kind: 'present';
  readonly path: AttributePath;
}

/** `filter and filter`, `filter or filter`. */
export interface LogicalNode {
  readonly kind: 'and' | 'or';
  readonly left: FilterNode;
  readonly right: FilterNode;
}

/** `not (filter)`. */
export interface NotNode {
  readonly kind: 'not';
  readonly operand: FilterNode;
}

/**
 * `attrPath[valFilter]`: some value of a multi-valued complex attribute matches `filter`, whose
 * paths name sub-attributes of that value.
 */
export interface ValuePathNode {
  readonly kind: 'valuePath';
  readonly path: AttributePath;
  readonly filter: FilterNode;
}

/** A parsed filter, before its paths are resolved against a resource type. */
export type FilterNode = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;

/** Writes a path back as filter text, for error messages. */
export function formatPath(path: AttributePath): string {
  const name = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.schema ? `${path.schema}:${name}` : name;
}
