/**
 * Committee entries come from the chain registry, where anyone can store any string as a peer id or
 * multiaddr (issue #15, defect 1). Before a task touches the MPC transport, its members are checked
 * here: an address that does not parse is dropped (the peer may still be found through the DHT), a
 * peer id that does not parse makes that task fail alone. Nothing here throws anything but a typed
 * `NodeError`.
 *
 * (A local check: helper adv-net adds a member validator to `mpc-network.ts`; once that lands this
 * file can delegate to it.)
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { NodeError } from './errors.ts'
import type { CommitteeMember, TaskSpec } from './task-source.ts'

const MAX_ADDRS = 16
const MAX_ADDR_LENGTH = 512

function parses(fn: () => unknown): boolean {
  try { fn(); return true } catch { return false }
}

/** The member's multiaddrs that parse (at most 16); throws if its peer id is unusable. */
export function usableMember(m: CommitteeMember): CommitteeMember {
  if (typeof m.peerId !== 'string' || !parses(() => peerIdFromString(m.peerId))) {
    throw new NodeError('NODE_TASK_STATE', `committee member ${m.index} has an unusable peer id '${String(m.peerId).slice(0, 80)}'`)
  }
  const addrs = Array.isArray(m.multiaddrs) ? m.multiaddrs : []
  const multiaddrs = addrs
    .filter((a) => typeof a === 'string' && a.startsWith('/') && a.length <= MAX_ADDR_LENGTH && parses(() => multiaddr(a)))
    .slice(0, MAX_ADDRS)
  return multiaddrs.length === addrs.length ? m : { ...m, multiaddrs }
}

/** The task with every member checked (unusable addresses dropped), or a NodeError naming the bad member. */
export function withUsableCommittee(spec: TaskSpec): TaskSpec {
  const committee = spec.committee.map(usableMember)
  return committee.every((m, i) => m === spec.committee[i]) ? spec : { ...spec, committee }
}
