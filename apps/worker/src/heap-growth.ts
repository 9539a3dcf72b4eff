import { setFlagsFromString } from 'node:v8';

/**
 * Lets V8's old generation grow to (1 + percent/100) times the heap still live after a major
 * collection, instead of the up to four times it allows when collections are cheap. A worker
 * catching up a long log promotes batches of events that die soon after; with V8's own factor its
 * resident memory settled at about four times its live heap (docs/performance.md, "The worker's
 * heap"). `percent` 0 leaves V8's factor. Read by V8 at each collection, so it takes effect when set
 * at start-up.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
