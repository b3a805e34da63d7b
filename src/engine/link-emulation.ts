/**
 * Wide-area link emulation for benchmarks (this machine has no kernel traffic shaping to do it with
 * `tc netem`): wraps a party's transport so that every frame it sends reaches its peer after a one-way
 * delay, behind the frames sent before it on the same link, serialised at a bandwidth cap. Each link
 * (this party → one peer) is its own FIFO, as one TCP connection per pair would be.
 *
 * Benchmarks only: it changes timing, never content, and is never wired into a node.
 */
import { check } from '../common/errors.ts'
import type { ReceiveOptions, Transport, TransportStats } from '../protocols/transport.ts'

export interface LinkProfile {
  /** One-way delay in ms added to every frame. */
  readonly delayMs: number
  /** Bytes per second of each link; Infinity (default) for no cap. */
  readonly bandwidthBytesPerSec?: number
}

export function emulateLinks(inner: Transport, profile: LinkProfile): Transport {
  check(Number.isFinite(profile.delayMs) && profile.delayMs >= 0, 'emulateLinks', `delayMs must be ≥ 0, got ${profile.delayMs}`)
  const bandwidth = profile.bandwidthBytesPerSec ?? Infinity
  check(bandwidth > 0, 'emulateLinks', `bandwidthBytesPerSec must be > 0, got ${bandwidth}`)
  // When each link is free again (ms, performance.now clock): frames queue behind one another.
  const linkFreeAt = new Map<number, number>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  let closed = false
  return {
    n: inner.n,
    self: inner.self,
    send(to: number, label: string, payload: Uint8Array): void {
      const now = performance.now()
      const start = Math.max(now, linkFreeAt.get(to) ?? 0)
      const done = start + (bandwidth === Infinity ? 0 : (payload.length / bandwidth) * 1000)
      linkFreeAt.set(to, done)
      // The payload may be reused by the caller right after send: keep a copy until it goes out.
      const copy = payload.slice()
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!closed) inner.send(to, label, copy)
      }, done + profile.delayMs - now)
      timers.add(timer)
    },
    receive: (from: number, label: string, options?: ReceiveOptions) => inner.receive(from, label, options),
    get stats(): TransportStats { return inner.stats },
    async close(): Promise<void> {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await inner.close()
    },
  }
}
