/**
 * The colluders' side of issue #9, defect 1 (tests only): shares on the degree-t polynomial through the
 * shares of `through` (honest parties) and (0, forged), so that as many shares as possible agree on a
 * secret of the colluders' choice.
 */
import type { Field, FieldVector } from '../field/types.ts'
import { lagrangeAtPoints } from './lagrange.ts'
import { pointOf } from './params.ts'

export function forgeShares(f: Field, shares: readonly FieldVector[], through: readonly number[], colluders: readonly number[], forged: bigint): Map<number, FieldVector> {
  const len = f.len(shares[0]!)
  const xs = [0n, ...through.map(pointOf)]
  const basis = [f.fill(len, forged), ...through.map((p) => shares[p]!)]
  return new Map(colluders.map((c) => [c, f.lincomb(lagrangeAtPoints(f, xs, pointOf(c)), basis)]))
}
