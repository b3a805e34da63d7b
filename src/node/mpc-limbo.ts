/**
 * Frames for sessions this node does not know yet ("limbo", issue #9 defect 5). A faster committee
 * member legitimately sends a few tiny frames before we hear of its task (the `node-ready` barrier
 * frame, a close notice: real data only flows after every member passed the barrier), so limbo is
 * small. Anyone on the libp2p network can send such frames, so:
 * - every frame is charged with its header and a fixed overhead (empty frames are not free);
 * - strangers (peers in no current committee) share a small pool and each get a small allowance;
 *   committee members have their own pool, so strangers cannot crowd out a member's barrier frame;
 * - entries expire after a TTL in arrival order (a FIFO: O(1) amortised per frame, no rescans);
 * - adopting a session takes only that session's entries (indexed by session id).
 */
import { ByteLedger, bufferedFrameCost, releaseAll, tryChargeAll } from '../engine/frame-budget.ts'
import type { Frame } from './frames.ts'

export interface LimboLimits {
  readonly ttlMs: number
  readonly bytesPerStranger: number
  readonly bytesAllStrangers: number
  readonly bytesPerMember: number
  readonly bytesAllMembers: number
}

export const DEFAULT_LIMBO_LIMITS: LimboLimits = {
  // Longer than the task runner's ready barrier (60 s) so a member's early `node-ready` survives it.
  ttlMs: 120_000,
  bytesPerStranger: 16 * 1024,
  bytesAllStrangers: 2 * 1024 * 1024,
  bytesPerMember: 256 * 1024,
  bytesAllMembers: 8 * 1024 * 1024,
}

interface Entry {
  readonly peer: string
  readonly frame: Frame
  readonly at: number
  readonly cost: number
  readonly ledgers: readonly ByteLedger[]
  dead: boolean
}

export class Limbo {
  readonly #limits: LimboLimits
  readonly #fifo: Entry[] = []
  #head = 0
  #live = 0
  readonly #bySession = new Map<string, Entry[]>()
  readonly #perPeer = new Map<string, ByteLedger>()
  readonly #strangers: ByteLedger
  readonly #members: ByteLedger

  constructor(limits: LimboLimits = DEFAULT_LIMBO_LIMITS) {
    this.#limits = limits
    this.#strangers = new ByteLedger(limits.bytesAllStrangers)
    this.#members = new ByteLedger(limits.bytesAllMembers)
  }

  get bytes(): number {
    return this.#strangers.used + this.#members.used
  }

  get frames(): number {
    return this.#live
  }

  /** Bytes one peer holds in limbo. */
  bytesOf(peer: string): number {
    return this.#perPeer.get(peer)?.used ?? 0
  }

  /** Keeps a copy of the frame, or returns why not. */
  add(peer: string, member: boolean, frame: Frame, now: number): string | undefined {
    this.expire(now)
    const cost = bufferedFrameCost(frame.session.length + frame.label.length + 6, frame.payload.length)
    const ownLimit = member ? this.#limits.bytesPerMember : this.#limits.bytesPerStranger
    let own = this.#perPeer.get(peer)
    if (!own) {
      own = new ByteLedger(ownLimit)
      this.#perPeer.set(peer, own)
    }
    // A stranger that became a member (or back) keeps what it holds, under its new allowance.
    own.limit = ownLimit
    const ledgers = [own, member ? this.#members : this.#strangers]
    const full = tryChargeAll(ledgers, cost)
    if (full) {
      if (own.used === 0) this.#perPeer.delete(peer)
      return full === own ? `too many bytes held for unknown sessions (${own.used} of ${own.limit})` : 'limbo is full'
    }
    // Copy: the payload may be a view of a larger network chunk that we must not pin.
    const e: Entry = { peer, frame: { session: frame.session, label: frame.label, payload: frame.payload.slice() }, at: now, cost, ledgers, dead: false }
    this.#fifo.push(e)
    this.#live++
    const list = this.#bySession.get(frame.session)
    if (list) list.push(e)
    else this.#bySession.set(frame.session, [e])
    return undefined
  }

  /** Removes and returns the frames of `session`, oldest first. */
  take(session: string): { peer: string; frame: Frame }[] {
    const list = this.#bySession.get(session)
    if (!list) return []
    this.#bySession.delete(session)
    const out: { peer: string; frame: Frame }[] = []
    for (const e of list) {
      if (e.dead) continue
      this.#kill(e)
      out.push({ peer: e.peer, frame: e.frame })
    }
    this.#compact()
    return out
  }

  /** Drops entries older than the TTL. */
  expire(now: number): void {
    const fifo = this.#fifo
    while (this.#head < fifo.length) {
      const e = fifo[this.#head]!
      if (!e.dead && now - e.at < this.#limits.ttlMs) break
      if (!e.dead) {
        this.#kill(e)
        const list = this.#bySession.get(e.frame.session)
        // Arrival order is the same in the FIFO and in a session's list: e is that list's oldest.
        if (list) {
          while (list.length > 0 && list[0]!.dead) list.shift()
          if (list.length === 0) this.#bySession.delete(e.frame.session)
        }
      }
      fifo[this.#head++] = undefined as unknown as Entry
    }
    this.#compact()
  }

  #kill(e: Entry): void {
    e.dead = true
    this.#live--
    releaseAll(e.ledgers, e.cost)
    const own = e.ledgers[0]!
    if (own.used === 0) this.#perPeer.delete(e.peer)
  }

  /** Keeps the FIFO's dead prefix and dead entries from outgrowing the live ones. */
  #compact(): void {
    const size = this.#fifo.length - this.#head
    if (this.#head > 1024 && this.#head * 2 > this.#fifo.length) {
      this.#fifo.splice(0, this.#head)
      this.#head = 0
    } else if (size > 1024 && this.#live * 2 < size) {
      const alive = this.#fifo.slice(this.#head).filter((e) => !e.dead)
      this.#fifo.length = 0
      this.#fifo.push(...alive)
      this.#head = 0
    }
  }
}
