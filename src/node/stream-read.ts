/**
 * Reading a short request from a libp2p stream (circuit and ready protocols): chunks until at least
 * `n` bytes arrived or the stream ended. The caller bounds the wait (a timer that aborts the stream).
 */
import type { Stream } from '@libp2p/interface'

export async function readAtLeast(stream: Stream, n: number): Promise<Buffer> {
  const chunks: Uint8Array[] = []
  let have = 0
  for await (const c of stream) {
    const u = c instanceof Uint8Array ? c : c.subarray()
    chunks.push(u); have += u.length
    if (have >= n) break
  }
  return Buffer.concat(chunks)
}
