/**
 * Custody epochs hand their records over (issue #11 §3, docs/state.md "Custody epochs"). When the chain
 * draws epoch E's committee, every live record still held at an older epoch is re-shared from its
 * current custodians to E's committee with the one hand-off primitive (`runHandoff`, Desmedt–Jajodia
 * redistribution checked as in CHURP's hand-off, Maram et al. CCS 2019 §4), in malicious mode always:
 * a custody hand-off has no task creator to choose a cheaper mode, and a wrong sharing would be stored
 * for good. Each new custodian seals its new share to its own key, stores it durably (custody-store.ts,
 * keyed by epoch and attempt) and only then confirms it on chain; the record moves to E once n − t
 * custodians confirmed the same attempt (EnigmaRecords.confirmHandoff). Old custodians erase their
 * share only after the chain shows the move: a failed hand-off loses nothing and is retried.
 *
 * Coordination without messages of its own: hand-off attempt k of epoch E runs in the chain-time slot
 * [startedAt + k·slot, startedAt + (k+1)·slot) (the contract's `handoffSlot`), so every node derives the
 * same session id `ep:<E>:<recordId>:<k>` from the chain alone; a node starts an attempt only in the
 * first half of its slot, so an attempt never overlaps the next one. A new custodian that holds no share
 * of the record learns its type (and so the vector length) from the old holders over a side session
 * `epm:…`, checked against the type hash on chain.
 *
 * Every pass also catches up: a share confirmed by nobody yet is confirmed, a share of an epoch the
 * record left is erased, a share of an attempt the chain did not count is erased — so a custodian that
 * was down (or killed mid-hand-off) converges on its next pass, like the deletion sweep.
 */
import type { FieldName, FieldVector } from '../field/types.ts'
import type { ValueType } from '../circuit/types.ts'
import { slotCount } from '../circuit/values.ts'
import { getField } from '../field/create.ts'
import type { Secret } from '../common/secret.ts'
import type { SecurityMode } from '../protocols/session.ts'
import type { NodeIdentity } from './identity.ts'
import type { Logger } from './log.ts'
import type { Hex } from './task-source.ts'
import type { MpcMember, MpcNetwork } from './mpc-network.ts'
import type { ChainRecord } from './record-source.ts'
import type { CustodyShare, CustodyStore } from './custody-store.ts'
import type { CustodyEpochView, HandoffClock, HandoffSource } from './custody-handoff-source.ts'
import { handoffMembers, runHandoff } from './reshare-session.ts'
import { recordTypeHash } from './record-type.ts'
import { sealHandoffShare } from './custody-handoff-envelope.ts'

/** Custody hand-offs always check the dealings (see the file comment). */
export const CUSTODY_HANDOFF_SECURITY: SecurityMode = 'malicious'

export type HandoffEvent =
  | { readonly kind: 'begin' | 'stored' | 'failed'; readonly recordId: Hex; readonly epoch: bigint; readonly attempt: number; readonly error?: string }
  | { readonly kind: 'confirmed'; readonly epoch: bigint; readonly records: number }
  | { readonly kind: 'erased'; readonly recordId: Hex; readonly epoch: number; readonly reason: string }

export interface CustodyHandoffInit {
  readonly identity: NodeIdentity
  readonly net: MpcNetwork
  readonly store: CustodyStore
  readonly source: HandoffSource
  readonly log: Logger
  /** Opens a held share's envelope (CustodyService.open). */
  readonly open: (share: CustodyShare) => Secret<FieldVector>
  /** How often the chain is read (ms, default 2 000). */
  readonly sweepMs?: number
  readonly onEvent?: (e: HandoffEvent) => void
}

interface Due {
  readonly record: ChainRecord
  readonly from: CustodyEpochView
  readonly oldShare: CustodyShare | undefined
  readonly known: { readonly type: ValueType; readonly field: FieldName } | undefined
}

export class CustodyHandoffService {
  readonly #init: CustodyHandoffInit
  readonly #me: string
  /** Attempts this process started in the current epoch (`<record>:<epoch>:<attempt>`): one try per slot. */
  readonly #attempted = new Set<string>()
  #attemptedEpoch = 0n
  /** Attempts under way: they run beside the passes, so a slow or failing one never delays the next slot's. */
  readonly #inFlight = new Set<Promise<void>>()
  readonly #stop = new AbortController()
  #timer: ReturnType<typeof setTimeout> | undefined
  #running: Promise<void> | undefined
  #stopped = false

  constructor(init: CustodyHandoffInit) {
    this.#init = init
    this.#me = init.identity.account.address.toLowerCase()
  }

  start(): void {
    this.#stopped = false
    const loop = async (): Promise<void> => {
      try { await this.pass() } catch (e) { this.#init.log.warn('custody hand-off pass failed', { err: e }) }
      if (!this.#stopped) this.#timer = setTimeout(() => { void loop() }, this.#init.sweepMs ?? 2_000)
    }
    void loop()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#stop.abort()
    await this.#running?.catch(() => {})
    await Promise.allSettled([...this.#inFlight])
  }

  /** One pass: start the attempts due in this slot, then confirm what is held and erase what the chain retired. */
  pass(): Promise<void> {
    this.#running ??= (async () => {
      try {
        const clock = await this.#init.source.current()
        if (!clock.epoch) return
        const records = await this.#init.source.liveRecords()
        await this.#settle(clock.epoch, records)
        await this.#startDue(clock, records)
      } finally {
        this.#running = undefined
      }
    })()
    return this.#running
  }

  /** This node's custodian position in an epoch's committee, or -1. */
  #position(view: CustodyEpochView): number {
    return view.custodians.findIndex((c) => c.account.toLowerCase() === this.#me)
  }

  /** Starts this slot's attempt for every record due a move into the current epoch that involves this node. */
  async #startDue(clock: HandoffClock, records: readonly ChainRecord[]): Promise<void> {
    const to = clock.epoch!
    const elapsed = clock.now - to.startedAt
    if (elapsed < 0n) return
    const attempt = Number(elapsed / clock.slotSeconds)
    const into = elapsed % clock.slotSeconds
    // Only in the first half of a slot, and aborted at its end: an attempt never runs into the next one's.
    if (into * 2n > clock.slotSeconds) return
    if (to.epoch !== this.#attemptedEpoch) { this.#attempted.clear(); this.#attemptedEpoch = to.epoch }
    const newPos = this.#position(to)
    const due: Due[] = []
    for (const record of records) {
      if (record.epoch >= to.epoch) continue
      const key = `${record.recordId.toLowerCase()}:${to.epoch}:${attempt}`
      if (this.#attempted.has(key)) continue
      const id = record.recordId.toLowerCase() as Hex
      if (newPos >= 0 && await this.#init.store.at(id, Number(to.epoch), attempt)) continue
      const from = await this.#init.source.epoch(record.epoch)
      const oldPos = this.#position(from)
      if (oldPos < 0 && newPos < 0) continue
      const oldShare = oldPos >= 0 && this.#holds(record, oldPos) ? await this.#init.store.at(id, Number(record.epoch), currentAttempt(record)) : undefined
      if (newPos < 0 && !oldShare) continue
      const any = oldShare ?? (await this.#init.store.shares(id))[0]
      this.#attempted.add(key)
      due.push({ record, from, oldShare, known: any ? { type: any.type, field: any.field } : undefined })
    }
    if (due.length === 0) return
    const remainingMs = Number(clock.slotSeconds - into) * 1000
    const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(remainingMs)])
    // Per receive: a dead party fails the attempt well inside the slot (each hand-off round waits once).
    const timeoutMs = Math.max(1_000, Math.min(30_000, Number(clock.slotSeconds) * 1000 / 4))
    for (const d of due) {
      const run = this.#handOff(d, to, attempt, newPos, timeoutMs, signal).finally(() => this.#inFlight.delete(run))
      this.#inFlight.add(run)
    }
  }

  /** Whether custodian `pos` of the record's epoch holds its sharing (a hand-off names its holders). */
  #holds(record: ChainRecord, pos: number): boolean {
    const h = record.handoff
    return !(h && h.epoch === record.epoch) || (h.votes & (1 << pos)) !== 0
  }

  async #handOff(d: Due, to: CustodyEpochView, attempt: number, newPos: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const id = d.record.recordId.toLowerCase() as Hex
    const session = `ep:${to.epoch}:${id}:${attempt}`
    const members = (v: CustodyEpochView): MpcMember[] => v.custodians.map((c) => ({ peerId: c.peerId, multiaddrs: c.multiaddrs }))
    const oldCommittee = members(d.from)
    const newCommittee = members(to)
    const event = (kind: 'begin' | 'stored' | 'failed', error?: string) => this.#init.onEvent?.({ kind, recordId: id, epoch: to.epoch, attempt, ...(error ? { error } : {}) })
    this.#init.log.info('custody hand-off begins', { recordId: id, from: Number(d.record.epoch), to: Number(to.epoch), attempt, holder: d.oldShare !== undefined, receiver: newPos >= 0 })
    event('begin')
    const side = `epm:${to.epoch}:${id}:${attempt}`
    const union = handoffMembers(oldCommittee, newCommittee).members
    const manifest = this.#init.net.openSession({ session: side, committee: union, timeoutMs })
    try {
      const self = union.findIndex((m) => m.peerId === this.#init.net.peerId)
      // Old holders tell the new committee the record's type (checked against the chain's type hash).
      if (d.oldShare) {
        const bytes = new TextEncoder().encode(JSON.stringify({ type: d.oldShare.type, field: d.oldShare.field }))
        for (const m of newCommittee) {
          const at = union.findIndex((u) => u.peerId === m.peerId)
          if (at !== self) manifest.send(at, 'manifest', bytes)
        }
      }
      const known = d.known ?? (newPos >= 0 ? await this.#learnType(manifest, d, union, oldCommittee, self, timeoutMs, signal) : undefined)
      if (!known) throw new Error('no old custodian told this node the record type')
      const field = getField(known.field)
      const oldVector = d.oldShare ? this.#init.open(d.oldShare) : undefined
      const fresh = await runHandoff(this.#init.net, this.#init.net.peerId, {
        session, field, security: CUSTODY_HANDOFF_SECURITY,
        oldCommittee, oldT: d.from.t, newCommittee, newT: to.t,
        share: oldVector ? oldVector.expose() : null, length: slotCount(known.type) + 1, timeoutMs, signal,
      })
      if (fresh && newPos >= 0) {
        const at = { recordId: id, epoch: Number(to.epoch), attempt, index: newPos }
        await this.#init.store.put({ ...at, type: known.type, field: known.field, envelope: sealHandoffShare(this.#init.identity, at, field, fresh), receivedAt: Date.now() }, { durable: true })
        this.#init.log.info('custody hand-off share stored', { recordId: id, epoch: Number(to.epoch), attempt, index: newPos })
        event('stored')
      } else {
        this.#init.log.info('custody hand-off dealt', { recordId: id, epoch: Number(to.epoch), attempt })
      }
    } catch (e) {
      this.#init.log.warn('custody hand-off attempt failed (the old shares are kept; retried next slot)', { recordId: id, epoch: Number(to.epoch), attempt, err: e })
      event('failed', e instanceof Error ? e.message : String(e))
    } finally {
      this.#init.net.closeSession(side, 'hand-off ended')
    }
  }

  async #learnType(t: ReturnType<MpcNetwork['openSession']>, d: Due, union: readonly MpcMember[], oldCommittee: readonly MpcMember[], self: number, timeoutMs: number, signal: AbortSignal): Promise<{ type: ValueType; field: FieldName } | undefined> {
    const senders = oldCommittee.map((m) => union.findIndex((u) => u.peerId === m.peerId)).filter((i) => i !== self)
    try {
      return await Promise.any(senders.map(async (from) => {
        const parsed = JSON.parse(new TextDecoder().decode(await t.receive(from, 'manifest', { timeoutMs, signal }))) as { type: ValueType; field: FieldName }
        if (recordTypeHash({ type: parsed.type, field: parsed.field }) !== d.record.typeHash.toLowerCase()) throw new Error('type does not match the chain')
        return { type: parsed.type, field: parsed.field }
      }))
    } catch {
      return undefined
    }
  }

  /**
   * Confirms every share of the current epoch the chain has not counted from this node, and erases
   * what the chain retired: shares of an epoch the record has left, of an epoch that ended before its
   * hand-off was recorded, and of an attempt the chain did not count.
   */
  async #settle(current: CustodyEpochView, records: readonly ChainRecord[]): Promise<void> {
    const byId = new Map(records.map((r) => [r.recordId.toLowerCase(), r]))
    const E = Number(current.epoch)
    const myNew = this.#position(current)
    const confirm: { recordId: Hex; attempt: number }[] = []
    for (const share of await this.#init.store.allShares()) {
      const record = byId.get(share.recordId.toLowerCase())
      if (!record || share.epoch === undefined) continue
      const at = Number(record.epoch)
      const tally = record.handoff
      if (share.epoch < at) {
        await this.#erase(share, `handed to the custodians of epoch ${at} on chain`)
      } else if (share.epoch === at) {
        if (tally && tally.epoch === record.epoch) {
          if (share.attempt !== tally.attempt) await this.#erase(share, `hand-off attempt ${share.attempt ?? 'owner'} was not the one recorded (${tally.attempt})`)
          else if (at === E && myNew >= 0 && (tally.votes & (1 << myNew)) === 0) confirm.push({ recordId: share.recordId, attempt: share.attempt })
        }
      } else if (share.epoch < E) {
        await this.#erase(share, `epoch ${share.epoch} ended before its hand-off was recorded`)
      } else if (share.attempt !== undefined && myNew >= 0) {
        const counted = tally && Number(tally.epoch) === E ? tally : undefined
        if (counted && share.attempt < counted.attempt) await this.#erase(share, `hand-off attempt ${share.attempt} superseded by ${counted.attempt}`)
        else if (!counted || share.attempt > counted.attempt || (counted.votes & (1 << myNew)) === 0) confirm.push({ recordId: share.recordId, attempt: share.attempt })
      }
    }
    if (confirm.length > 0) await this.#confirm(current.epoch, confirm)
  }

  async #confirm(epoch: bigint, items: { recordId: Hex; attempt: number }[]): Promise<void> {
    try {
      await this.#init.source.confirm(epoch, items)
    } catch (e) {
      // One refused record (a race with a later attempt) must not hold back the others.
      if (items.length === 1) { this.#init.log.warn('custody hand-off confirmation refused', { epoch: Number(epoch), recordId: items[0]!.recordId, err: e }); return }
      for (const item of items) await this.#confirm(epoch, [item])
      return
    }
    this.#init.log.info('custody hand-off confirmed', { epoch: Number(epoch), records: items.length })
    this.#init.onEvent?.({ kind: 'confirmed', epoch, records: items.length })
  }

  async #erase(share: CustodyShare, reason: string): Promise<void> {
    await this.#init.store.eraseShare(share, reason)
    this.#init.log.info('custody share erased', { recordId: share.recordId, epoch: share.epoch, attempt: share.attempt, reason })
    this.#init.onEvent?.({ kind: 'erased', recordId: share.recordId, epoch: share.epoch ?? 0, reason })
  }
}

/** The attempt whose sharing the record's custodians hold (undefined: the owner's own sharing). */
function currentAttempt(record: ChainRecord): number | undefined {
  return record.handoff && record.handoff.epoch === record.epoch ? record.handoff.attempt : undefined
}
