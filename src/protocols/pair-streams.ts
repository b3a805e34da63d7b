/**
 * Pairwise pseudo-random streams, for share compression in preprocessing (the "PRSS-lite" trick of
 * Cramer–Damgård–Ishai 2005, as used to halve dealing costs in e.g. ATLAS, Goyal et al. 2021): when a
 * dealer shares a random value at degree d, the shares of d chosen recipients can be any random
 * values, so dealer and recipient derive them from a seed they share instead of sending them.
 *
 * One round at first use: for every pair i < j, party i sends party j fresh random material; the seed
 * of the direction a → b is SHA-256(material ‖ a ‖ b). A corrupt party knows the seeds it shares,
 * which gives it nothing it would not have as a dealer or a recipient anyway. (Over the network the
 * material travels inside the node layer's encrypted channels.)
 */
import { createHash } from 'node:crypto'
import { EnigmaError } from '../common/errors.ts'
import type { FieldVector, RandomSource } from '../field/types.ts'
import { exchange } from './exchange.ts'
import { aesCtrStream } from './prg.ts'
import { PRSS_KEY_ELEMENTS, PrssState, prssChooser, prssKeysSent, prssSets, usesPrss } from './prss.ts'
import type { MpcSession } from './session.ts'

export const SEED_ELEMENTS = 4


/**
 * Establish the pairwise seeds of this session, and for committees that use it the PRSS keys
 * (prss.ts): one round, once. Party i sends every j > i the pair material, then the keys K_A it draws
 * (i lowest outside A) for the sets A that j is outside of.
 */
export async function ensurePairStreams(s: MpcSession): Promise<void> {
  if (s.pairStreams) return
  const f = s.field
  const higher = s.others().filter((p) => p > s.self)
  const lower = s.others().filter((p) => p < s.self)
  const prss = usesPrss(s.n, s.t)
  // Keys this party draws, by set index.
  const drawn = new Map<number, FieldVector>()
  if (prss) prssSets(s.n, s.t).forEach((set, k) => { if (prssChooser(set, s.n) === s.self) drawn.set(k, f.random(PRSS_KEY_ELEMENTS, s.random)) })
  const seeds = new Map(higher.map((p) => [p, f.random(SEED_ELEMENTS, s.random)]))
  const mine = new Map(higher.map((p) => [p, f.concat([seeds.get(p)!, ...prssKeysSent(s.n, s.t, s.self, p).map((k) => drawn.get(k)!)])]))
  const expect = (from: number) => SEED_ELEMENTS + PRSS_KEY_ELEMENTS * prssKeysSent(s.n, s.t, from, s.self).length
  const got = await exchange(s, 'pair-seeds', { send: mine, receive: new Map(lower.map((p) => [p, expect(p)])) })
  const material = new Map<number, Uint8Array>()
  for (const [p, v] of seeds) material.set(p, f.encode(v))
  for (const [p, v] of got) {
    material.set(p, f.encode(f.view(v, 0, SEED_ELEMENTS)))
    prssKeysSent(s.n, s.t, p, s.self).forEach((k, i) => drawn.set(k, f.view(v, SEED_ELEMENTS + i * PRSS_KEY_ELEMENTS, SEED_ELEMENTS + (i + 1) * PRSS_KEY_ELEMENTS)))
  }
  if (prss) s.prss = new PrssState(f, s.n, s.t, s.self, new Map([...drawn].map(([k, v]) => [k, f.encode(v)])))
  const map = new Map<string, RandomSource>()
  for (const [p, m] of material) {
    for (const [a, b] of [[s.self, p], [p, s.self]] as const) {
      const seed = createHash('sha256').update(m).update(`enigma-pair-v1:${a}->${b}`).digest()
      map.set(`${a}->${b}`, aesCtrStream(seed))
    }
  }
  s.pairStreams = map
}

/** The stream shared by dealer `from` and recipient `to` (one of them must be this party). */
export function pairStream(s: MpcSession, from: number, to: number): RandomSource {
  const stream = s.pairStreams?.get(`${from}->${to}`)
  if (!stream) throw new EnigmaError('MPC_INTERNAL', `pairStream: no stream ${from}->${to}; call ensurePairStreams first`)
  return stream
}
