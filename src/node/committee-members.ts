/**
 * Committee members come from the controller's registry, where anyone registering a node may store any
 * string as its peer id or multiaddr (issue #15, defect 1). Parsing them with `peerIdFromString()` /
 * `multiaddr()` throws synchronously, so one bad entry used to throw out of the task runner on every
 * start. Everything that reads members from a task goes through `validateCommitteeMembers` first:
 * unusable addresses are dropped (the peer may still be reached through the DHT or an open
 * connection), an unusable peer id fails that task alone.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId } from '@libp2p/interface'

export interface CommitteeMember {
  readonly peerId: string
  readonly multiaddrs?: readonly string[]
}

/** A member whose peer id parsed; `multiaddrs` holds only the addresses that parsed. */
export interface UsableMember {
  readonly peerId: string
  readonly multiaddrs: readonly string[]
  readonly id: PeerId
}

export type CommitteeCheck =
  | { readonly ok: true; readonly members: readonly UsableMember[]; readonly droppedAddresses: number }
  | { readonly ok: false; readonly reason: string }

/** More would only be a way to make us parse and dial junk. */
export const MAX_COMMITTEE_SIZE = 1024
export const MAX_ADDRESSES_PER_MEMBER = 16
const MAX_ADDRESS_CHARS = 512
const MAX_PEER_ID_CHARS = 128

/** Never throws: returns why the committee is unusable, or the usable members in the same order. */
export function validateCommitteeMembers(members: unknown): CommitteeCheck {
  if (!Array.isArray(members)) return { ok: false, reason: 'committee is not a list' }
  if (members.length === 0 || members.length > MAX_COMMITTEE_SIZE) {
    return { ok: false, reason: `committee must have 1..${MAX_COMMITTEE_SIZE} members, has ${members.length}` }
  }
  const out: UsableMember[] = []
  const seen = new Set<string>()
  let dropped = 0
  for (let i = 0; i < members.length; i++) {
    const m: unknown = members[i]
    const peerId = typeof m === 'object' && m !== null ? (m as { peerId?: unknown }).peerId : undefined
    if (typeof peerId !== 'string' || peerId.length === 0 || peerId.length > MAX_PEER_ID_CHARS) {
      return { ok: false, reason: `member ${i} has no usable peer id` }
    }
    let id: PeerId
    try {
      id = peerIdFromString(peerId)
    } catch {
      return { ok: false, reason: `member ${i} has an unparsable peer id '${printable(peerId)}'` }
    }
    // The canonical string is what noise authenticates and what frames are matched against.
    if (id.toString() !== peerId) return { ok: false, reason: `member ${i}'s peer id '${printable(peerId)}' is not in canonical form` }
    if (seen.has(peerId)) return { ok: false, reason: `peer ${peerId} appears twice in the committee` }
    seen.add(peerId)
    const raw: unknown = (m as { multiaddrs?: unknown }).multiaddrs
    const addrs: string[] = []
    if (Array.isArray(raw)) {
      for (const a of raw) {
        // `multiaddr('')` parses (to an empty address): only strings that start with '/' are addresses.
        if (addrs.length >= MAX_ADDRESSES_PER_MEMBER || typeof a !== 'string' || !a.startsWith('/') || a.length > MAX_ADDRESS_CHARS || !parses(a)) { dropped++; continue }
        addrs.push(a)
      }
    } else if (raw !== undefined) {
      dropped++
    }
    out.push({ peerId, multiaddrs: addrs, id })
  }
  return { ok: true, members: out, droppedAddresses: dropped }
}

function parses(a: string): boolean {
  try {
    multiaddr(a)
    return true
  } catch {
    return false
  }
}

function printable(s: string): string {
  return s.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')
}
