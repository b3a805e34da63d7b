/**
 * Tests only: an `MpcNetwork` that records the dealing frames (labels ending in `deal`) a node sends,
 * by recipient (hex payloads), and delivers nothing: what a restarted dealer's second life must send
 * again identically (state-redeal.test.ts, rerun-redeal.test.ts).
 */
import type { Transport } from '../../protocols/transport.ts'
import type { MpcNetwork } from '../mpc-network.ts'

export function recordingNet(self: string, sent: Map<number, string>): MpcNetwork {
  return {
    peerId: self,
    openSession: ({ committee }: { committee: readonly { peerId: string }[] }): Transport => ({
      n: committee.length, self: committee.findIndex((m) => m.peerId === self),
      send: (to: number, label: string, payload: Uint8Array) => { if (label.endsWith('deal')) sent.set(to, Buffer.from(payload).toString('hex')) },
      receive: () => new Promise<Uint8Array>(() => {}),
      stats: { bytesSent: 0, bytesReceived: 0, framesSent: 0, framesReceived: 0 },
      close: async () => {},
    }),
    expect: () => {},
    closeSession: () => {},
  } as unknown as MpcNetwork
}
