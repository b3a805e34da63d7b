/**
 * One `writev` per tick on a libp2p TCP connection (issue #14, step 4).
 *
 * Below an MPC stream, every message costs several socket writes: yamux writes a data frame, noise
 * turns it into a 2-byte length and a ciphertext (two `socket.write`s), and the receiving yamux
 * answers every data frame with a window update (two more). With TCP_NODELAY on (libp2p's default,
 * and what MPC rounds need), each write is its own syscall and usually its own segment, which wakes
 * the receiver once per piece. The engine's own TCP transport corks a tick's writes into one
 * `writev` (src/engine/transport-tcp-link.ts); this does the same for a libp2p connection: the
 * first write of a tick corks the socket and it is uncorked once the tick's microtasks (a protocol
 * round's continuations and the MPC flush, src/node/mpc-network.ts) have run, so a window update and
 * the next round's frames leave together. Only small writes are held: one of at least the socket's
 * high-water mark flushes what is corked and goes out at once, as without corking. Back-pressure is unchanged (`socket.write` still reports
 * a full buffer while corked, and 'drain' follows the uncork). Nothing about the bytes changes, so
 * the connection's security (noise) is untouched.
 *
 * libp2p has no option for this: it reaches the TCP connection's `socket` and `sendData`, which
 * @libp2p/tcp 11 has but does not declare. When they are missing (another transport, another
 * version) the connection is left alone and `corkWritesPerTick` returns false; `cork-connection.test.ts`
 * fails if the installed libp2p stops offering them, so an upgrade cannot silently lose this.
 */
import { Socket } from 'node:net'

interface TcpMultiaddrConnection {
  socket?: unknown
  sendData?: (data: unknown) => unknown
}

/** Corks `connection`'s TCP socket for the rest of each tick it writes in; false if it cannot. */
export function corkWritesPerTick(connection: unknown): boolean {
  const maConn = (connection as { maConn?: TcpMultiaddrConnection } | undefined)?.maConn
  const socket = maConn?.socket
  const sendData = maConn?.sendData
  if (maConn === undefined || !(socket instanceof Socket) || typeof sendData !== 'function') return false
  let corked = false
  const uncork = (): void => {
    if (!corked) return
    corked = false
    socket.uncork()
  }
  // A microtask queued now runs after the microtasks already queued; the tick it schedules runs
  // after every microtask of this tick (Node drains microtasks before the next-tick queue again).
  const uncorkAfterMicrotasks = (): void => { process.nextTick(uncork) }
  maConn.sendData = function corkedSendData(this: unknown, data: unknown): unknown {
    // Large writes go straight out (after what is corked): held back, they would fill the socket's
    // buffer past its high-water mark, so every 64 KiB noise message would wait for a 'drain' turn
    // of the event loop (measured: 3× the CPU of an 800 KB round trip), while the kernel takes them
    // at once.
    if ((data as { byteLength?: number }).byteLength! >= socket.writableHighWaterMark) {
      uncork()
      return sendData.call(this, data)
    }
    if (!corked && !socket.destroyed) {
      corked = true
      socket.cork()
      queueMicrotask(uncorkAfterMicrotasks)
    }
    return sendData.call(this, data)
  }
  return true
}
