/**
 * A committee inside a larger transport: parties `members[0..k)` of the outer transport seen as parties
 * 0..k−1. Re-sharing runs over the union of two committees, and each committee's own steps (a public coin,
 * a checked opening) run as an ordinary session over its view. Sending and receiving map indices; the
 * view shares the outer transport's frames, statistics and lifetime (closing the view closes nothing).
 */
import { check } from '../common/errors.ts'
import type { ReceiveOptions, Transport, TransportStats } from './transport.ts'

export function committeeView(outer: Transport, members: readonly number[]): Transport {
  const self = members.indexOf(outer.self)
  check(self >= 0, 'committeeView', `party ${outer.self} is not a member of [${members.join(', ')}]`)
  check(new Set(members).size === members.length, 'committeeView', 'members must be distinct')
  for (const m of members) check(Number.isInteger(m) && m >= 0 && m < outer.n, 'committeeView', `member ${m} is not a party of the outer transport (n = ${outer.n})`)
  return {
    n: members.length,
    self,
    send: (to: number, label: string, payload: Uint8Array) => outer.send(members[to]!, label, payload),
    receive: (from: number, label: string, options?: ReceiveOptions) => outer.receive(members[from]!, label, options),
    get stats(): TransportStats { return outer.stats },
    close: async () => {},
  }
}
