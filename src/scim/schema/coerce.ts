import type { AttributeDefinition } from './attribute.js';

// Interop leniency: identity providers send some values with the wrong JSON type. Each rule here
// accepts a form whose meaning is unambiguous and converts it without loss.

const BOOLEAN_TEXT = /^(true|false)$/i;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Converts a string sent for a non-string attribute to the attribute's type. `"True"` or
 * `"false"` becomes a boolean, and a numeric string becomes an integer or decimal when the
 * conversion is lossless. A bare string for a single complex attribute with a `value`
 * sub-attribute becomes `{ value }`, the form in which Entra ID sends `manager`. Returns the
 * value unchanged when no rule applies.
 */
export function coerceValue(definition: AttributeDefinition, value: unknown): unknown {
  if (typeof value !== 'string') return value;

  switch (definition.type) {
    case 'boolean':
      return BOOLEAN_TEXT.test(value) ? value.toLowerCase() === 'true' : value;
    case 'integer': {
      if (!INTEGER_TEXT.test(value)) return value;
      const parsed = Number(value);
      return Number.isSafeInteger(parsed) ? parsed : value;
    }
    case 'decimal': {
      if (!DECIMAL_TEXT.test(value)) return value;
      const parsed = Number(value);
      return Number.isFinite(parsed) ? parsed : value;
    }
    case 'complex': {
      const hasValue = definition.subAttributes?.some((sub) => sub.name === 'value');
      return hasValue && !definition.multiValued ? { value } : value;
    }
    default:
      return value;
  }
}
