/** An attribute path of a filter: `[schema URN ":"] attribute ["." subAttribute]` (RFC 7644 §3.4.2.2). */
export interface AttributePath {
  /** Schema URN as written, when the path was fully qualified. */
  readonly schema?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
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

// TODO: `and`, `or`, `not (…)`, grouping and value paths (`emails[type eq "work"]`) have no nodes
// yet; the parser rejects them as not supported.
export type FilterNode = CompareNode | PresentNode;

/** Writes a path back as filter text, for error messages. */
export function formatPath(path: AttributePath): string {
  const name = path.subAttribute ? `${path.attribute}.${path.subAttribute}` : path.attribute;
  return path.schema ? `${path.schema}:${name}` : name;
}
