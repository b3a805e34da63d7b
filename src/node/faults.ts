/**
 * Test-only fault injection (issue #12, item 1): a node that misbehaves in one chosen way, so tests and
 * demos can show what the network does about it. Reachable only through code (`withFault` around the
 * node's `ComputeFn`), the test entry `testing/node-main.ts` and `enigma devnet up --fault i=b`; never
 * through `NodeConfig`, a config file or a flag of `enigma node start`.
 *
 * Every protocol-level fault is a wrapper around the party's outgoing frames (the `Transport` the engine
 * is given): the node runs the honest program and the wrapper rewrites what leaves, as the red-team
 * harness of the protocols layer does in-process (`src/protocols/testing/strategies.test-util.ts`).
 * Labels are `<prefix><tag>#<counter>`; multiplication and opening payloads are field vectors.
 *
 * - `alter-mul`: adds 1 to its degree-2t multiplication shares (and king values), to every peer alike —
 *   the additive attack of Genkin et al. 2014, caught by the MAC check (Chida et al. 2018, §4).
 * - `alter-open`: adds 1 to its share of every opened value (caught by the checked opening).
 * - `equivocate`: sends one peer (the lowest other index) other multiplication and opening shares than
 *   the rest.
 * - `bad-input-reshare`: adds 1 to the shares it deals when re-sharing input shares to a new committee
 *   (labels under `reshare/`; caught by the degree-t check of the re-sharing).
 * - `wrong-output-share`: its share of every `revealTo` output is off by 1 (the client's checked
 *   reconstruction refuses the value).
 * - `wrong-receipt`: its public outputs are off by 1, so it signs and publishes a different output hash
 *   than the honest members.
 * - `silent`: from its first opening on it sends nothing (it still answers the ready barrier), and it
 *   never says that it stopped: its own receives hang until the computation is aborted, so it does
 *   not end the task and send the "closed the session" notice that would make it look like a
 *   messenger of the first honest member's timeout (issue #12: members that started waiting on it
 *   later got that notice before their own deadline and did not vote). A malicious opening is
 *   all-to-all, so every honest member waits for it and witnesses the silence first-hand (a
 *   multiplication share goes to the king only: one witness; src/node/evidence.ts).
 * - `crash`: at its first opening the process exits (`onCrash`; the test entry uses SIGKILL).
 * - `stall`: not a fault — an *honest* member whose event loop stops for two receive deadlines at its
 *   first opening (a loaded machine, a long GC pause), then computes on. What the others must not
 *   punish (issue #12, "late is not silent": src/node/mpc-network.ts gives a member that does not
 *   answer up to three deadlines before naming it).
 */
import type { Field, FieldVector } from '../field/index.ts'
import type { ReceiveOptions, Transport } from '../protocols/transport.ts'
import type { ComputeFn, ComputeResult } from './compute.ts'
import { NodeError } from './errors.ts'

export const FAULT_BEHAVIOURS = [
  'alter-mul', 'alter-open', 'equivocate', 'bad-input-reshare', 'wrong-output-share', 'wrong-receipt', 'silent', 'crash', 'stall',
] as const
export type FaultBehaviour = (typeof FAULT_BEHAVIOURS)[number]

export function isFaultBehaviour(s: string): s is FaultBehaviour {
  return (FAULT_BEHAVIOURS as readonly string[]).includes(s)
}

/** `"2=alter-mul"` → `{ index: 2, behaviour: 'alter-mul' }` (the devnet's `--fault` value). */
export function parseFaultAssignment(s: string): { index: number; behaviour: FaultBehaviour } {
  const m = /^(\d+)=([a-z-]+)$/.exec(s.trim())
  if (!m || !isFaultBehaviour(m[2]!)) {
    throw new NodeError('NODE_CONFIG_INVALID', `a fault is <node-index>=<behaviour> with behaviour one of ${FAULT_BEHAVIOURS.join(', ')}; got '${s}'`)
  }
  return { index: Number(m[1]), behaviour: m[2] as FaultBehaviour }
}

export interface FaultInjection {
  /** The behaviour for the computation about to start, or undefined to behave (asked once per computation). */
  readonly behaviour: () => FaultBehaviour | undefined | Promise<FaultBehaviour | undefined>
  /** Ends the process at once for `crash` (default: SIGKILL of this process). */
  readonly onCrash?: () => void
  /** Told when the fault acts for the first time in a computation (logs, tests). */
  readonly onInject?: (behaviour: FaultBehaviour) => void
}

const MUL_TAGS = new Set(['mul', 'mul-king', 'mul-back'])
const OPEN_TAGS = new Set(['open', 'bits', 'coin', 'input-coin', 'verify-coin', 'verify-key', 'verify-check', 'output', 'outputTo', 'zero-coin'])

/** `…/mul-king#12` → `mul-king`. */
export function tagOfLabel(label: string): string {
  const base = label.replace(/#\d+$/, '')
  return base.slice(base.lastIndexOf('/') + 1)
}

/** The payload with 1 added to its first element; unchanged if it is not a field vector. */
function shifted(field: Field, payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length % field.bytes !== 0) return payload
  try {
    const v = field.decode(payload)
    field.set(v, 0, field.addS(field.get(v, 0), 1n))
    return field.encode(v)
  } catch {
    return payload
  }
}

/** A transport whose outgoing frames follow `behaviour` (the protocol-level faults). */
export class FaultyTransport implements Transport {
  readonly #inner: Transport
  readonly #field: Field
  readonly #behaviour: FaultBehaviour
  readonly #o: FaultInjection
  readonly #stallMs: number
  #acted = false
  #mute = false

  /** `stallMs`: how long `stall` blocks the event loop (the caller gives two receive deadlines). */
  constructor(inner: Transport, field: Field, behaviour: FaultBehaviour, o: FaultInjection, stallMs = 0) {
    this.#inner = inner
    this.#field = field
    this.#behaviour = behaviour
    this.#o = o
    this.#stallMs = stallMs
  }

  get n(): number { return this.#inner.n }
  get self(): number { return this.#inner.self }
  get stats() { return this.#inner.stats }
  receive(from: number, label: string, options?: ReceiveOptions): Promise<Uint8Array> {
    if (this.#mute && this.#behaviour === 'silent') return hang(options?.signal)
    return this.#inner.receive(from, label, options)
  }
  close(): Promise<void> { return this.#inner.close() }

  send(to: number, label: string, payload: Uint8Array): void {
    const out = this.#rewrite(to, label, payload)
    if (out !== null) this.#inner.send(to, label, out)
  }

  #act(): void {
    if (this.#acted) return
    this.#acted = true
    this.#o.onInject?.(this.#behaviour)
  }

  #rewrite(to: number, label: string, payload: Uint8Array): Uint8Array | null {
    if (this.#mute) return null
    const tag = tagOfLabel(label)
    const mul = MUL_TAGS.has(tag)
    switch (this.#behaviour) {
      case 'alter-mul':
        if (!mul) return payload
        this.#act()
        return shifted(this.#field, payload)
      case 'alter-open':
        if (!OPEN_TAGS.has(tag)) return payload
        this.#act()
        return shifted(this.#field, payload)
      case 'equivocate': {
        if ((!mul && !OPEN_TAGS.has(tag)) || to !== (this.self === 0 ? 1 : 0)) return payload
        this.#act()
        return shifted(this.#field, payload)
      }
      case 'bad-input-reshare':
        if (!label.includes('reshare/')) return payload
        this.#act()
        return shifted(this.#field, payload)
      case 'silent':
        if (!OPEN_TAGS.has(tag)) return payload
        this.#act()
        this.#mute = true
        return null
      case 'stall':
        if (this.#acted || !OPEN_TAGS.has(tag)) return payload
        this.#act()
        // Blocks this thread (timers, sockets, everything), as a starved or pausing process does.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.#stallMs)
        return payload
      case 'crash':
        if (!OPEN_TAGS.has(tag)) return payload
        this.#act()
        ;(this.#o.onCrash ?? (() => process.kill(process.pid, 'SIGKILL')))()
        this.#mute = true
        return null
      default:
        return payload
    }
  }
}

/** A receive that never completes: it rejects only when the computation is aborted (its signal). */
function hang(signal: AbortSignal | undefined): Promise<Uint8Array> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(signal.reason)
    else signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}

function plusOne(field: Field, v: FieldVector): FieldVector {
  return field.addScalar(v, 1n)
}

/**
 * `compute` with the injected fault: protocol faults through `FaultyTransport`, result faults
 * (`wrong-output-share`, `wrong-receipt`) on what the computation returns to the task runner.
 */
export function withFault(compute: ComputeFn, o: FaultInjection): ComputeFn {
  return async (req): Promise<ComputeResult> => {
    const behaviour = await o.behaviour()
    if (!behaviour) return compute(req)
    const out = await compute({ ...req, transport: new FaultyTransport(req.transport, req.field, behaviour, o, 2 * req.timeoutMs) })
    if (behaviour === 'wrong-output-share' && out.privateShares.size > 0) {
      o.onInject?.(behaviour)
      return { ...out, privateShares: new Map([...out.privateShares].map(([k, v]) => [k, plusOne(req.field, v)])) }
    }
    if (behaviour === 'wrong-receipt' && out.publicOutputs.size > 0) {
      o.onInject?.(behaviour)
      const f = req.field
      return { ...out, publicOutputs: new Map([...out.publicOutputs].map(([k, v]) => [k, v.map((x) => f.addS(x, 1n))])) }
    }
    return out
  }
}

/**
 * The fault on a re-run's input hand-off (src/node/rerun.ts): `bad-input-reshare` rewrites the shares
 * this node deals there; every other behaviour leaves the hand-off alone (undefined).
 */
export function handoffFault(behaviour: FaultBehaviour | undefined, o: Omit<FaultInjection, 'behaviour'> = {}): ((transport: Transport, field: Field) => Transport) | undefined {
  if (behaviour !== 'bad-input-reshare') return undefined
  return (transport, field) => new FaultyTransport(transport, field, behaviour, { ...o, behaviour: () => behaviour })
}
