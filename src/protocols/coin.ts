/**
 * Public random coins: open a preprocessed random sharing (checked in malicious mode). With an honest
 * majority nobody can bias it or learn it before it is opened, and t parties learn nothing before.
 * The opened value seeds an AES-256-CTR stream from which protocols draw public random field elements
 * (check coefficients).
 */
import { createHash } from 'node:crypto'
import type { Field, FieldVector, RandomSource } from '../field/types.ts'
import { takeRandom } from './pools.ts'
import { aesCtrStream } from './prg.ts'
import { openRaw } from './open.ts'
import type { MpcSession } from './session.ts'

/** A fresh public 32-byte seed all parties agree on. Costs one round (plus preprocessing). */
export async function publicCoin(s: MpcSession, tag = 'coin'): Promise<Uint8Array> {
  const r = s.field.slice(await takeRandom(s, 2), 0)
  return coinSeed(s.field, await openRaw(s, r, s.t, tag))
}

/** The 32-byte seed of opened random values (SHA-256, domain-separated). */
export function coinSeed(f: Field, opened: FieldVector): Uint8Array {
  return new Uint8Array(createHash('sha256').update('enigma-coin-v1').update(f.encode(opened)).digest())
}

/** The public random stream a coin seeds (AES-256-CTR keystream). */
export function coinStream(seed: Uint8Array): RandomSource {
  return aesCtrStream(seed)
}
