/**
 * Who else is gone (issue #12 item 4, "SIGKILL of up to t members"): when an attempt fails because of a
 * member p, this node asks every *other* member of the committee whether it is still reachable, so that
 * it can vote against each member that is gone, not only the one its failure happened to name.
 *
 * Why: a failure names one member — the ready barrier's timeout the lowest index still missing, a
 * computation the first dropped connection or overdue frame — and members see the deaths in different
 * orders, so with two members killed at once the three survivors of n = 5 name them 2 : 1 (or all the
 * same one). The controller suspends only on a majority of the committee (3 of 5), which is then all of
 * the survivors for *each* culprit. A second dead member left active is drawn into the re-run's committee
 * (5 of the 6 remaining nodes of a 7-node network) and that attempt fails too, with nobody holding the
 * inputs any more; and its votes cannot land after `rerunTask` (the controller takes votes only while the
 * committee is drawn). So every honest survivor must witness every dead member itself.
 *
 * The witness is first-hand and conservative: a member counts as gone only if every one of `tries`
 * probes (libp2p ping: a dial and a round trip), spread over `spanMs`, failed. A SIGKILLed node refuses the
 * dial at once; an honest but loaded one answers one of several probes given seconds each. What a corrupt
 * member can do with this is what it can already do with its own deadlines (a vote); an honest voter
 * votes only on its own failed probes, so t colluders alone still reach no majority (docs/faults.md,
 * "Limits of the evidence").
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { peerIdFromString } from '@libp2p/peer-id'
import type { NodeHost } from './host.ts'

export interface LivenessProbe {
  /** Resolves if `peerId` answered (any round trip), rejects otherwise. */
  (peerId: string, signal: AbortSignal): Promise<unknown>
}

export interface UnreachableOptions {
  /** Probes per member (default 4); a member is gone only if all of them failed. */
  readonly tries?: number
  /** Deadline of one probe (ms, default 5 000). */
  readonly probeTimeoutMs?: number
  /** The probes of one member are started this far apart at least (ms, default 3 000). */
  readonly intervalMs?: number
  readonly signal?: AbortSignal
}

/** The peers among `peers` that answered none of the probes, in the order given. */
export async function unreachablePeers(probe: LivenessProbe, peers: readonly string[], o: UnreachableOptions = {}): Promise<string[]> {
  const tries = o.tries ?? 4
  const gone = await Promise.all(peers.map(async (peer) => {
    for (let i = 0; i < tries; i++) {
      const started = Date.now()
      const signal = o.signal ? AbortSignal.any([o.signal, AbortSignal.timeout(o.probeTimeoutMs ?? 5_000)]) : AbortSignal.timeout(o.probeTimeoutMs ?? 5_000)
      try {
        await probe(peer, signal)
        return false
      } catch {
        if (o.signal?.aborted) return false
      }
      const rest = (o.intervalMs ?? 3_000) - (Date.now() - started)
      if (i + 1 < tries && rest > 0) await sleep(rest, undefined, o.signal ? { signal: o.signal } : {}).catch(() => undefined)
      if (o.signal?.aborted) return false
    }
    return true
  }))
  return peers.filter((_, i) => gone[i])
}

/** A failure of the computation or the ready barrier that involves another member (not a refusal or a local error). */
const MEMBER_FAILURE = /^(timeout|peer disconnected): party \d+ /

/**
 * Whom to probe after this node's attempt failed with `reason`: every other member except the one the
 * failure names first-hand (`culprit`, already voted against), or undefined when the failure involves no
 * other member. A *messenger's* failure (`culprit` undefined: it failed on another member's close notice,
 * evidence.ts `culpritOf`) probes every other member too. Why: with a member SIGKILLed mid-computation,
 * the first member to wait on it times out first-hand and closes its session; the others, waiting on that
 * member for other frames, fail on its notice as messengers and cast no vote of their own, so the dead
 * member got 2 of the 3 votes n = 5 needs and the task was refunded instead of re-run (faults.e2e
 * "kill -9 of a member that acknowledged the inputs", 1 of 4 runs at load 9–15, 2026-11-30). The probe
 * is the same first-hand witness as for a named culprit: a messenger votes only against a member that
 * answered none of its own probes.
 */
export function membersToProbe<M extends { readonly peerId: string }>(committee: readonly M[], selfPeerId: string, reason: string | undefined, culprit: number | undefined): { named: M | undefined; probe: M[] } | undefined {
  if (!reason || !MEMBER_FAILURE.test(reason)) return undefined
  const named = culprit === undefined ? undefined : committee[culprit]
  if (culprit !== undefined && !named) return undefined
  return { named, probe: committee.filter((m) => m !== named && m.peerId !== selfPeerId) }
}

/** The node's probe: libp2p's ping protocol (a dial if needed, then one round trip). */
export function pingProbe(host: NodeHost): LivenessProbe {
  return (peerId, signal) => host.services.ping.ping(peerIdFromString(peerId), { signal })
}
