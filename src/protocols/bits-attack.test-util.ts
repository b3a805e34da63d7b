/**
 * The attack of issue #9, defect 2, on every protocol that masks with random bits (tests only).
 *
 * randomBits (bits.ts) opens s = a² and sets b = (a/√s + 1)/2. In malicious mode one corrupt party
 * (n = 3, t = 1) adds δ = Δ/λ to its degree-2t share in the multiplication a·a (λ its Lagrange
 * coefficient, so the product moves by exactly Δ ≠ 0: the additive attack DN07 multiplication allows,
 * Genkin et al. 2014). It sees s = a² + Δ opened, so each attacked "bit" is one of two values it can
 * compute, v± = (1 ± √(s − Δ)/√s)/2, instead of 0 or 1. Any Δ ≠ 0 serves equally (s and the v± are
 * then uniformly spread whatever Δ is), so it takes Δ = 1.
 *
 * It attacks the low m bit rows only (m = 1 when the masked value y has no known low bits, m = 2 when
 * y = 2x): then c = y + r with r = X + 2^m·R, X one of the 2^m known sums Σ_{i<m} 2^i·v_i^±, and R
 * made of honest bits. For the right X, c − X − offset = 2^shift·x + 2^m·R has the known low bits of y
 * and bit `shift` = lsb(x). The attacker keeps the candidates X that give the known low bits and
 * predicts lsb(x) when they agree (about half the lanes, where it is always right), else flips a coin:
 * about 75 % before the fix (the issue's observation: "predicted correctly in every run where the
 * attacker could decide, although every run aborted").
 *
 * The vectors are long enough for DN07's king path (≥ kingThreshold elements), where the king sends the
 * altered product back to the cheater too, so its own state stays consistent and no check but the MAC
 * check can notice (on the all-to-all path its own share of a² would disagree with the honest ones and
 * the checked opening of a² would catch it at once, a weaker attacker).
 *
 * A lane is one value of a vectorised run with its own mask bits, so lanes are independent trials of
 * the same attack: the attacker's choice and view per lane do not depend on the other lanes, and an
 * abort ends all lanes alike, as it would end separate runs.
 */
import type { Field, FieldVector } from '../field/types.ts'
import { lagrangeCoefficients } from '../sharing/lagrange.ts'
import { reconstruct } from '../sharing/shamir.ts'
import { runAdversarial, type Adversary, type Frame, type Strategy } from './testing/adversary.test-util.ts'
import type { MpcSession, Shared } from './session.ts'
import { isEnigmaError } from '../common/errors.ts'
import { dealtShares, sharedFromDealt } from './harness.test-util.ts'
import { output } from './mac.ts'

export const CORRUPT = 2

/** A protocol that opens c = 2^shift·x + offset + r for random bits r (x the secret, k-bit, x ≥ 0). */
export interface MaskedProtocol {
  readonly name: string
  /** Width of the secrets x (default 16). */
  readonly xBits?: number
  readonly shift: 0 | 1
  /** The public offset the protocol adds before masking. */
  offset(f: Field): bigint
  /** Runs the protocol on [x] (N lanes) and returns what the program would output. */
  run(s: MpcSession, x: Shared): Promise<Shared>
}

/** Steps of one run, found by an honest dry run (labels are deterministic: SPMD program counter). */
interface Steps {
  /** The multiplication a·a whose product is opened as the squares (king path). */
  readonly inject: string
  readonly bits: string
  readonly open: string
}

function findSteps(outbox: readonly Frame[]): Steps {
  const order = [...new Set(outbox.map((fr) => fr.step))]
  const b = order.findIndex((st) => /^bits#/.test(st))
  if (b < 0) throw new Error('no random-bit opening in the dry run')
  const mulBefore = order.slice(0, b).filter((st) => /^mul(-king)?#/.test(st))
  const open = order.slice(b).find((st) => /^open#/.test(st))
  const inject = mulBefore[mulBefore.length - 1]
  if (!open || !inject?.startsWith('mul-king#')) throw new Error(`dry run: expected a king-path a·a before ${order[b]} and a masked opening after it`)
  return { inject, bits: order[b]!, open }
}

/** The attacker of the file header; after the run, `predict` gives its guesses of lsb(x) per lane. */
class BitsAttacker implements Strategy {
  readonly name = 'random-bit additive attack'
  readonly received = new Map<string, FieldVector>()
  readonly deltas: bigint[]
  readonly #lambda: bigint

  constructor(readonly f: Field, readonly steps: Steps, readonly attacked: number) {
    // Degree-2t reconstruction uses parties 0..2t (n = 3: all three).
    this.#lambda = lagrangeCoefficients(f, [0, 1, 2])[CORRUPT]!
    this.deltas = Array.from({ length: attacked }, () => 1n)
  }

  onReceive(fr: Frame): void {
    if (fr.step === this.steps.bits || fr.step === this.steps.open) this.received.set(`${fr.from}|${fr.step}`, this.f.decode(fr.payload))
  }

  onSend(fr: Frame): Uint8Array | undefined {
    if (fr.step !== this.steps.inject) return undefined
    const f = this.f
    const share = f.decode(fr.payload)
    // Malicious: additive attack on the product, elements [0, attacked) of the vector [a·a | r'·a·a]
    // (the low bit rows). On the king path those elements lie in king 0's chunk, which starts at 0.
    if (fr.step.startsWith('mul-king#') && fr.to !== 0) return undefined
    if (this.attacked >= f.len(share)) throw new Error('attacked elements beyond the frame')
    for (let j = 0; j < this.attacked; j++) f.set(share, j, f.addS(f.get(share, j), f.mulS(this.deltas[j]!, f.invS(this.#lambda))))
    return f.encode(share)
  }

  /** lsb(x) guesses per lane; undefined where the attacker saw no masked opening or cannot decide. */
  predict(adv: Adversary, N: number, rows: number, shift: number, offset: bigint): (number | undefined)[] {
    const f = this.f
    const openShares = this.sharesOf(adv, this.steps.open)
    const bitsShares = this.sharesOf(adv, this.steps.bits)
    if (!openShares || !bitsShares) return Array.from({ length: N }, () => undefined)
    const c = f.toBigInts(reconstruct(f, openShares.shares.map((v) => f.view(v, 0, N)), openShares.parties, 1))
    const s = f.toBigInts(reconstruct(f, bitsShares.shares.map((v) => f.view(v, 0, rows * N)), bitsShares.parties, 1))
    const e = (f.p + 1n) / 4n
    const half = f.invS(2n)
    return Array.from({ length: N }, (_, j) => {
      // v[i] = the two values bit row i of lane j can have.
      const v = Array.from({ length: rows }, (_, i) => {
        const sq = s[i * N + j]!
        const ratio = f.mulS(f.powS(f.subS(sq, this.deltas[i * N + j]!), e), f.invS(f.powS(sq, e)))
        return [f.mulS(f.addS(1n, ratio), half), f.mulS(f.subS(1n, ratio), half)]
      })
      const votes = new Set<number>()
      for (let sigma = 0; sigma < 1 << rows; sigma++) {
        let X = 0n
        for (let i = 0; i < rows; i++) X = f.addS(X, f.mulS(1n << BigInt(i), v[i]![(sigma >> i) & 1]!))
        const A = f.subS(f.subS(c[j]!, X), f.reduce(offset))
        if (A % (1n << BigInt(shift)) !== 0n) continue
        votes.add(Number((A >> BigInt(shift)) & 1n))
      }
      return votes.size === 1 ? [...votes][0] : undefined
    })
  }

  sharesOf(adv: Adversary, step: string): { shares: FieldVector[]; parties: number[] } | undefined {
    const honest = adv.honest.find((h) => this.received.has(`${h}|${step}`))
    const own = adv.honest.map((h) => adv.intended(CORRUPT, h, step)).find((x) => x !== undefined)
    if (honest === undefined || own === undefined) return undefined
    return { shares: [this.received.get(`${honest}|${step}`)!, this.f.decode(own)], parties: [honest, CORRUPT] }
  }
}

/** A deterministic stream of 32-bit values (xorshift), for secrets and the attacker's coin flips. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    return x
  }
}

export interface AttackResult {
  readonly lanes: number
  readonly correct: number
  /** Lanes where the attacker saw a masked opening and could decide (it then guesses only elsewhere). */
  readonly decided: number
  /** Runs in which the attacker saw the masked opening c = y + r at all. */
  readonly openedMasked: number
  /** Runs in which every honest party aborted with MPC_CHEATING_DETECTED. */
  readonly aborted: number
  /** Runs in which an honest party's error named an honest party. */
  readonly namedHonest: number
  readonly runs: number
}

/**
 * Runs the attack `runs` times with N lanes each; every x is a fresh secret of `xBits` bits. The attacker's
 * guess where it cannot decide is a coin flip from its own seeded stream (independent of x).
 */
export async function attack(f: Field, proto: MaskedProtocol, runs: number, N: number, seed: number): Promise<AttackResult> {
  const security = 'malicious'
  const rows = proto.shift + 1
  const rand = seeded(seed)
  const coin = seeded(seed ^ 0x5bd1e995)
  const program = (xs: bigint[]) => {
    const dealt = dealtShares(f, f.fromBigInts(xs), 3, 1)
    return async (s: MpcSession) => {
      const x = await sharedFromDealt(s, dealt)
      return f.toBigInts(await output(s, await proto.run(s, x)))
    }
  }
  const dryXs = Array.from({ length: N }, () => 1n)
  const dry = await runAdversarial({ field: f, n: 3, t: 1, security, corrupt: [CORRUPT], strategy: { name: 'passive' } }, program(dryXs))
  if (!dry.outcomes.every((o) => o.ok)) throw new Error(`${proto.name}: the honest dry run failed`)
  const steps = findSteps(dry.adversary.outbox)
  let correct = 0
  let decided = 0
  let aborted = 0
  let openedMasked = 0
  let namedHonest = 0
  for (let run = 0; run < runs; run++) {
    const xs = Array.from({ length: N }, () => BigInt(rand() % 2 ** (proto.xBits ?? 16)))
    const attacker = new BitsAttacker(f, steps, rows * N)
    const r = await runAdversarial({ field: f, n: 3, t: 1, security, corrupt: [CORRUPT], strategy: attacker, timeoutMs: 5000 }, program(xs))
    if (r.adversary.interventions === 0) throw new Error(`${proto.name}: the attack was not exercised`)
    if ([0, 1].every((p) => !r.outcomes[p]!.ok && isEnigmaError((r.outcomes[p] as { error: unknown }).error, 'MPC_CHEATING_DETECTED'))) aborted++
    if (attacker.sharesOf(r.adversary, steps.open)) openedMasked++
    const named = r.outcomes.flatMap((o, p) => (p === CORRUPT || o.ok || !isEnigmaError(o.error) ? [] : ((o.error.meta?.parties ?? []) as number[])))
    if (named.some((p) => p !== CORRUPT)) namedHonest++
    const guesses = attacker.predict(r.adversary, N, rows, proto.shift, proto.offset(f))
    guesses.forEach((g, j) => {
      if (g !== undefined) decided++
      const guess = g ?? (coin() & 1)
      if (BigInt(guess) === (xs[j]! & 1n)) correct++
    })
  }
  return { lanes: runs * N, correct, decided, openedMasked, aborted, namedHonest, runs }
}
