/**
 * Secret inputs. A dealer (a party, or an outside client whose shares arrive through the node layer)
 * splits its values with one extra random pad element and sends share j to party j. Then the parties
 * run the batch degree-t check of sharing/consistency.ts with a coin tossed after the deal, so that an
 * inconsistent sharing is rejected and never computed on (DESIGN.md §2: clients are untrusted).
 * In malicious mode the accepted values are then authenticated with the MAC key.
 *
 * Limit (documented in docs/protocols.md and docs/security.md): the check tells that *a dealer's
 * sharing or a party's check value* is wrong; a corrupt party can make an honest dealer's input look
 * inconsistent (denial of service, never a wrong result). Telling the two apart needs a broadcast
 * complaint phase, so a failed check names the rejected input (`meta.dealer`) but accuses no one
 * (`meta.parties` is empty).
 */
import { check } from '../common/errors.ts'
import type { FieldVector } from '../field/types.ts'
import { split } from '../sharing/shamir.ts'
import { checkConsistent } from '../sharing/reconstruct-checked.ts'
import { maskedCombination } from '../sharing/consistency.ts'
import { InconsistentSharesError, UndeterminedSharesError } from '../sharing/errors.ts'
import { exchange } from './exchange.ts'
import { coinStream, publicCoin } from './coin.ts'
import { InconsistentInputError } from './errors.ts'
import { authenticate } from './mul.ts'
import { ensureMacKey } from './mac.ts'
import type { MpcSession, Shared } from './session.ts'

export interface InputEntry {
  /** Party that deals the values. */
  readonly dealer: number
  /** The values (only at the dealer; null elsewhere). */
  readonly values: FieldVector | null
  /** Number of values (known to everyone). */
  readonly length: number
}

/** Dealt shares of one input, with the pad as the last element, as received by this party. */
export interface DealtShares {
  /** Who dealt it, for error messages (party index or a client name). */
  readonly dealer: number | string
  readonly shares: FieldVector
}

/** Secret-share inputs of several dealers in one round, then check and (malicious) authenticate them. */
export async function inputMany(s: MpcSession, entries: readonly InputEntry[]): Promise<Shared[]> {
  const f = s.field
  for (const e of entries) {
    check(Number.isInteger(e.dealer) && e.dealer >= 0 && e.dealer < s.n, 'input', `dealer must be a party index 0..${s.n - 1}, got ${e.dealer}`)
    check(Number.isInteger(e.length) && e.length >= 0, 'input', `length must be a non-negative integer, got ${e.length}`)
    if (e.dealer === s.self) {
      check(e.values !== null && f.len(e.values) === e.length, 'input', `the dealer must provide exactly ${e.length} values`)
    }
  }
  // Shares this party deals, grouped per recipient, in entry order.
  const mine = entries.filter((e) => e.dealer === s.self)
  const dealtByMe = mine.map((e) => split(f, f.concat([e.values!, f.random(1, s.random)]), s.n, s.t, s.random))
  const others = s.others()
  const expected = (p: number) => entries.filter((e) => e.dealer === p).reduce((a, e) => a + e.length + 1, 0)
  const got = await exchange(s, 'input', {
    send: new Map(mine.length > 0 ? others.map((p) => [p, f.concat(dealtByMe.map((d) => d[p]!))] as const) : []),
    receive: new Map(others.filter((p) => expected(p) > 0).map((p) => [p, expected(p)])),
  })
  const offsets = new Map<number, number>()
  let myIdx = 0
  const dealt: DealtShares[] = entries.map((e) => {
    if (e.dealer === s.self) return { dealer: e.dealer, shares: dealtByMe[myIdx++]![s.self]! }
    const off = offsets.get(e.dealer) ?? 0
    offsets.set(e.dealer, off + e.length + 1)
    return { dealer: e.dealer, shares: f.view(got.get(e.dealer)!, off, off + e.length + 1) }
  })
  return acceptDealt(s, dealt)
}

export async function input(s: MpcSession, dealer: number, values: FieldVector | null, length: number): Promise<Shared> {
  return (await inputMany(s, [{ dealer, values, length }]))[0]!
}

/**
 * Check dealt sharings (each with its pad as the last element) for degree t, then return the values
 * as shared vectors (authenticated in malicious mode). Rejects with MPC_INCONSISTENT_INPUT naming the
 * dealer of the first inconsistent sharing (which input was rejected, not an accusation).
 */
export async function acceptDealt(s: MpcSession, dealt: readonly DealtShares[]): Promise<Shared[]> {
  const f = s.field
  if (dealt.length === 0) return []
  await ensureMacKey(s)
  const stream = coinStream(await publicCoin(s, 'input-coin'))
  const zs = f.fromBigInts(dealt.map((d) => {
    const len = f.len(d.shares) - 1
    check(len >= 0, 'acceptDealt', 'dealt shares must include the pad element')
    return maskedCombination(f, f.view(d.shares, 0, len), f.random(len, stream), f.get(d.shares, len))
  }))
  const others = s.others()
  const label = 'input-check'
  const got = await exchange(s, label, { send: new Map(others.map((p) => [p, zs])), receive: new Map(others.map((p) => [p, dealt.length])) })
  got.set(s.self, zs)
  dealt.forEach((d, k) => {
    const byParty = Array.from({ length: s.n }, (_, p) => f.slice(got.get(p)!, k, k + 1))
    try {
      checkConsistent(f, byParty, s.t, s.t, label)
    } catch (e) {
      if (e instanceof InconsistentSharesError || e instanceof UndeterminedSharesError) throw new InconsistentInputError(label, d.dealer)
      throw e
    }
  })
  const values = dealt.map((d) => f.slice(d.shares, 0, f.len(d.shares) - 1))
  if (!s.malicious) return values.map((v) => ({ v, m: undefined }))
  const all = await authenticate(s, f.concat(values))
  const out: Shared[] = []
  let off = 0
  for (const v of values) {
    const len = f.len(v)
    out.push({ v: f.view(all.v, off, off + len), m: f.view(all.m!, off, off + len) })
    off += len
  }
  return out
}
