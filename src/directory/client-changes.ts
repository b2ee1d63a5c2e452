/**
 * A counter that every write to a client, its authentication settings, its service account or
 * its organization increases. Caches of client lookups in this process compare it with the value
 * they read with, and read again after a change. Writes by other processes are not counted here,
 * so such caches also expire on their own.
 */
let generation = 0;

/** Returns the number of client-related writes made by this process so far. */
export function clientChangeGeneration(): number {
  return generation;
}

/** Counts a write that may change how a client authenticates. */
export function noteClientChange(): void {
  generation += 1;
}
