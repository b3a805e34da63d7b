/**
 * Named attack strategies for the red-team harness (adversary.test-util.ts). Each is the strongest
 * version of its attack this harness can express: values chosen per recipient, coordinated across the
 * corrupt parties, and (where it helps the adversary) chosen after seeing the honest values of the same
 * round. docs/security.md lists them with their observed outcomes.
 *
 * Labels are `<prefix><tag>#<counter>`; tags: input, input-coin, input-check, prep, pair-seeds, mul,
 * mul-king, mul-back, bits, open, coin, verify-coin, verify-key, verify-check, output, outputTo,
 * zero-deal, zero-coin, zero-check.
 */
import type { Field, FieldVector } from '../../field/types.ts'
import { lagrangeAtPoints } from '../../sharing/lagrange.ts'
import { pointOf } from '../../sharing/params.ts'
import type { Adversary, Frame, FrameAction, Strategy } from './adversary.test-util.ts'

/** The tag of a step (`mul-king#12` → `mul-king`). */
export function tagOf(step: string): string {
  const i = step.lastIndexOf('#')
  return i < 0 ? step : step.slice(0, i)
}

/** `payload` with `delta` added to element `index` (clamped), as a fresh buffer. */
export function shifted(f: Field, payload: Uint8Array, delta: bigint, index = 0): Uint8Array {
  if (payload.length === 0) return payload
  const v = f.decode(payload)
  const k = Math.min(index, f.len(v) - 1)
  f.set(v, k, f.addS(f.get(v, k), delta))
  return f.encode(v)
}

/** Strategy that rewrites frames whose tag is in `tags`, with `rewrite(frame)`. */
function onTags(name: string, tags: readonly string[], rewrite: (fr: Frame, adv: Adversary) => FrameAction | Promise<FrameAction>): Strategy {
  const set = new Set(tags)
  return { name, onSend: (fr, adv) => (set.has(tagOf(fr.step)) && fr.payload.length > 0 ? rewrite(fr, adv) : undefined) }
}

export const MUL_TAGS = ['mul', 'mul-king', 'mul-back'] as const
export const OPEN_TAGS = ['open', 'bits', 'coin', 'input-coin', 'verify-coin', 'verify-key', 'verify-check', 'output', 'outputTo', 'zero-coin'] as const

/**
 * Additive attack on multiplications (Genkin et al. 2014): every corrupt party adds δ to one element
 * of its degree-2t share (or, as king, of the values it sends back) — to every recipient alike, so the
 * result is a consistent sharing of x·y + δ·λ. Only the MAC check can see it.
 */
export function additiveOnMultiplication(delta = 1n): Strategy {
  return onTags('additive attack on multiplication', MUL_TAGS, (fr, adv) => shifted(adv.field, fr.payload, delta))
}

/** Additive attack on openings: every corrupt party shifts its share of every opened value. */
export function additiveOnOpening(delta = 1n): Strategy {
  return onTags('additive attack on opening', OPEN_TAGS, (fr, adv) => shifted(adv.field, fr.payload, delta))
}

/** A corrupt dealer gives one honest party a share off its polynomial (the input and zero-sharing deals). */
export function inconsistentDealing(): Strategy {
  return onTags('inconsistent input dealing', ['input', 'zero-deal'], (fr, adv) => (fr.to === adv.honest[0] ? shifted(adv.field, fr.payload, 1n) : undefined))
}

/**
 * Equivocating king: as king, send one honest party other values back than the rest; also equivocate
 * the degree-2t shares of the one-round multiplication (different shares to different peers).
 */
export function equivocatingKing(): Strategy {
  return onTags('equivocating king', MUL_TAGS, (fr, adv) => (fr.to === adv.honest[adv.honest.length - 1] ? shifted(adv.field, fr.payload, 5n) : undefined))
}

/** Equivocation on openings: a different share to one honest party than to the others. */
export function equivocatingOpening(): Strategy {
  return onTags('equivocating opening', OPEN_TAGS, (fr, adv) => (fr.to === adv.honest[0] ? shifted(adv.field, fr.payload, 3n) : undefined))
}

/**
 * Colluding output forgery (issue #9, defect 1, generalised): the corrupt parties wait for the honest
 * shares of the output (rushing), then all send shares of the degree-t polynomial g through (0, forged)
 * and the shares of the first t − 1 … t honest parties, so that as many shares as possible agree on
 * g(0) = forged. Applied to `output` (all-to-all) where they see honest shares; elsewhere unchanged.
 */
export function colludingOutputForgery(forged = 666n): Strategy {
  const cache = new Map<string, Promise<Map<number, FieldVector>>>()
  const forge = (step: string, adv: Adversary, observer: number): Promise<Map<number, FieldVector>> => {
    let p = cache.get(step)
    if (!p) {
      p = (async () => {
        const f = adv.field
        const through = adv.honest.slice(0, adv.t)
        const honest = await Promise.all(through.map((h) => adv.observe(observer, h, step)))
        const vs = honest.map((b) => f.decode(b))
        const len = f.len(vs[0]!)
        const xs = [0n, ...through.map(pointOf)]
        const basis = [f.fill(len, forged), ...vs]
        return new Map(adv.corrupt.map((c) => [c, f.lincomb(lagrangeAtPoints(f, xs, pointOf(c)), basis)]))
      })()
      cache.set(step, p)
    }
    return p
  }
  return onTags('colluding output forgery', ['output'], async (fr, adv) => {
    const forgedShares = await forge(fr.step, adv, adv.corrupt[0]!)
    return adv.field.encode(forgedShares.get(fr.from)!)
  })
}

/**
 * Selective abort: at the outputs, the corrupt parties send their shares to the first honest party only
 * and withhold them from the others (so some honest parties could finish while others cannot).
 */
export function selectiveAbort(): Strategy {
  return onTags('selective abort', ['output', 'outputTo', 'verify-check'], (fr, adv) => (fr.to === adv.honest[0] ? undefined : null))
}

/**
 * Wrong bits in random-bit generation: add δ to the corrupt parties' shares in the multiplications and
 * openings made inside `randomBits` (the square a² whose root makes the bit), so the "bits" are not bits.
 */
export function wrongRandomBits(delta = 1n): Strategy {
  return {
    name: 'wrong bits in random-bit generation',
    onSend: (fr, adv) => {
      if (fr.payload.length === 0 || !fr.origin.includes('randomBits')) return undefined
      const tag = tagOf(fr.step)
      if (!MUL_TAGS.includes(tag as (typeof MUL_TAGS)[number]) && tag !== 'bits') return undefined
      return shifted(adv.field, fr.payload, delta)
    },
  }
}

/** Silent party: the corrupt parties send nothing at all (crashed or withholding). */
export function silentParty(): Strategy {
  return { name: 'silent party', onSend: () => null }
}

/**
 * Replay of an old session's frames: every frame is replaced by what the same corrupt party sent under
 * the same step in an earlier session (stale but well-formed values), and the old frames are also
 * injected under their old labels.
 */
export function replayOf(oldOutbox: readonly Frame[]): Strategy {
  const old = new Map(oldOutbox.map((fr) => [`${fr.from}>${fr.to}|${fr.step}`, fr]))
  let injected = false
  return {
    name: 'replay of an old session',
    onSend: (fr, adv) => {
      if (!injected) {
        injected = true
        for (const o of oldOutbox) if (adv.isCorrupt(o.from)) adv.inject(o.from, o.to, o.label, o.payload)
      }
      const prior = old.get(`${fr.from}>${fr.to}|${fr.step}`)
      if (!prior || prior.payload.length !== fr.payload.length) return undefined
      let same = true
      for (let i = 0; i < prior.payload.length && same; i++) same = prior.payload[i] === fr.payload[i]
      return same ? undefined : prior.payload
    },
  }
}
