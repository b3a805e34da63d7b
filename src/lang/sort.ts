/**
 * Oblivious sorting with Batcher's odd–even merge sort (Batcher 1968; the iterative form of
 * Knuth TAOCP 5.3.4): ~n·log²n/4 compare-exchanges in ~log²n/2 layers. Each layer's comparisons
 * share a round, then one round of multiplications swaps. For n not a power of two the network of
 * the next power is used with comparators touching positions ≥ n dropped: padding with +∞ at the
 * end never moves (a comparator keeps the minimum at its lower position), so dropping is exact.
 */
import { union } from '../circuit/range.ts'
import { LangTypeError } from './errors.ts'
import { SFixed, SInt, select, type Value } from './secret.ts'

/** Comparator pairs (i, j), i < j, of the network for n elements, in layer order. */
export function sortingNetwork(n: number): [number, number][] {
  const out: [number, number][] = []
  let size = 1
  while (size < n) size <<= 1
  for (let p = 1; p < size; p <<= 1) {
    for (let k = p; k >= 1; k >>= 1) {
      for (let j = k % p; j <= size - 1 - k; j += 2 * k) {
        for (let i = 0; i <= Math.min(k - 1, size - j - k - 1); i++) {
          if (Math.floor((i + j) / (2 * p)) === Math.floor((i + j + k) / (2 * p)) && i + j + k < n) out.push([i + j, i + j + k])
        }
      }
    }
  }
  return out
}

type Num = SInt | SFixed

/** Ascending (or descending) oblivious sort of secret numbers. One multiplication per comparator. */
export function sort<T extends Num>(xs: readonly T[], opts: { descending?: boolean } = {}): T[] {
  if (!Array.isArray(xs)) throw new LangTypeError('sort: expected an array')
  const a: Num[] = [...xs]
  for (const [i, j] of sortingNetwork(a.length)) {
    const x = a[i]!
    const y = a[j]!
    const swap = opts.descending ? x.lt(y as never) : x.gt(y as never)
    const lo = select(swap, y, x) as Num
    // The other one is x + y − lo: free, and within the same range as x and y.
    const b = x.builder
    const hi = b.narrow(b.sub(b.add(x.wire, y.wire), lo.wire), union(b.range(x.wire), b.range(y.wire)))
    a[i] = lo
    a[j] = x instanceof SFixed ? new SFixed(b, hi) : new SInt(b, hi)
  }
  return a as T[]
}

/**
 * Sort records by a secret key (stable order is not guaranteed: sorting networks are not stable).
 * Every field of a record is swapped with one multiplication per comparator.
 */
export function sortBy<T extends Value>(records: readonly T[], key: (r: T) => Num, opts: { descending?: boolean } = {}): T[] {
  if (!Array.isArray(records)) throw new LangTypeError('sortBy: expected an array')
  const a: T[] = [...records]
  for (const [i, j] of sortingNetwork(a.length)) {
    const x = a[i]!
    const y = a[j]!
    const kx = key(x)
    const ky = key(y)
    const swap = opts.descending ? kx.lt(ky as never) : kx.gt(ky as never)
    a[i] = select(swap, y, x)
    a[j] = select(swap, x, y)
  }
  return a
}
