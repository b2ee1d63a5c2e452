import { ScimError } from './errors.js';

/** Returns the weak entity tag of a resource version, also used as `meta.version` (RFC 7644 §3.14). */
export function weakEtag(version: number): string {
  return `W/"${version}"`;
}

/**
 * Checks whether an `If-None-Match` header matches an entity tag. The header is `*` or a
 * comma-separated list, compared weakly as RFC 9110 §13.1.2 requires for `If-None-Match`.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return listMatches(header, etag);
}

/**
 * Throws 412 unless an `If-Match` header (RFC 9110 §13.1.1) matches the resource's current tag.
 * The comparison is weak: every tag this server issues is weak, and SCIM clients send back the
 * `meta.version` they read. No header means no precondition.
 */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined) return;
  if (!listMatches(header, weakEtag(version))) {
    throw ScimError.withStatus(
      412,
      `If-Match ${header} does not match the current version ${weakEtag(version)}`,
    );
  }
}

function listMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const wanted = opaqueTag(etag);
  return header.split(',').some((candidate) => opaqueTag(candidate.trim()) === wanted);
}

function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}
