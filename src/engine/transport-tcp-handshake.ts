/**
 * The first bytes on every TCP connection between two parties, before any frame:
 *
 *     dialer → acceptor  hello  'ENGM' [u8 version][u16 n][u16 from][u16 to][u8 sidLen][sessionId utf8]
 *     acceptor → dialer  reply  'ENGM' [u8 status]   (0 = accepted)
 *
 * The reply lets a dialer tell "refused" (wrong session, wrong index: fail now) from "not up yet"
 * (connection refused: retry until the connect deadline). There is no authentication: this transport
 * is for parties on one machine (tests, benchmarks, `enigma run --transport tcp`); nodes talking over
 * a real network use libp2p with Noise (node layer).
 */
import { connect, type Socket } from 'node:net'
import { HandshakeError } from './transport-errors.ts'

const MAGIC = Buffer.from('ENGM', 'latin1')
const VERSION = 1
const HELLO_FIXED = 4 + 1 + 2 + 2 + 2 + 1
const REPLY_BYTES = 5

export interface Hello {
  readonly n: number
  readonly from: number
  readonly to: number
  readonly sessionId: string
}

export const HandshakeStatus = {
  ok: 0,
  wrongSession: 1,
  wrongParty: 2,
  wrongN: 3,
  duplicate: 4,
  badVersion: 5,
} as const

const statusText: Record<number, string> = {
  1: 'the peer is in another session',
  2: 'the peer does not expect a connection from this party index',
  3: 'the peer has a different number of parties',
  4: 'the peer already has a connection from this party',
  5: 'the peer speaks another handshake version',
}

export function encodeHello(h: Hello): Buffer {
  const sid = Buffer.from(h.sessionId, 'utf8')
  if (sid.length > 255) throw new HandshakeError(h.to, 'session id longer than 255 bytes')
  const b = Buffer.allocUnsafe(HELLO_FIXED + sid.length)
  MAGIC.copy(b, 0)
  b[4] = VERSION
  b.writeUInt16BE(h.n, 5)
  b.writeUInt16BE(h.from, 7)
  b.writeUInt16BE(h.to, 9)
  b[11] = sid.length
  sid.copy(b, HELLO_FIXED)
  return b
}

type Parsed<T> = { value: T; leftover: Buffer } | undefined

/** Parses a hello from the start of `buf`; undefined if incomplete; throws on garbage. */
export function parseHello(buf: Buffer): Parsed<Hello & { version: number }> {
  if (buf.length < HELLO_FIXED) return checkMagic(buf, 'hello')
  checkMagic(buf, 'hello')
  const len = HELLO_FIXED + buf[11]!
  if (buf.length < len) return undefined
  return {
    value: {
      version: buf[4]!,
      n: buf.readUInt16BE(5),
      from: buf.readUInt16BE(7),
      to: buf.readUInt16BE(9),
      sessionId: buf.toString('utf8', HELLO_FIXED, len),
    },
    leftover: buf.subarray(len),
  }
}

export function encodeReply(status: number): Buffer {
  const b = Buffer.allocUnsafe(REPLY_BYTES)
  MAGIC.copy(b, 0)
  b[4] = status
  return b
}

export function parseReply(buf: Buffer): Parsed<number> {
  if (buf.length < REPLY_BYTES) return checkMagic(buf, 'reply')
  checkMagic(buf, 'reply')
  return { value: buf[4]!, leftover: buf.subarray(REPLY_BYTES) }
}

function checkMagic(buf: Buffer, what: string): undefined {
  const k = Math.min(buf.length, 4)
  if (!buf.subarray(0, k).equals(MAGIC.subarray(0, k))) throw new Error(`not an Enigma ${what}`)
  return undefined
}

export function describeStatus(status: number): string {
  return statusText[status] ?? `refused with status ${status}`
}

/**
 * Reads from `socket` until `parse` yields a value, then pauses the socket and returns the value with
 * any bytes that came after it (the first frames): the caller must feed those to its decoder before
 * resuming the socket.
 */
export function readHandshake<T>(socket: Socket, parse: (buf: Buffer) => Parsed<T>, timeoutMs: number): Promise<{ value: T; leftover: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0)
    const done = (err: Error | undefined, result?: { value: T; leftover: Buffer }): void => {
      clearTimeout(timer)
      socket.off('data', onData)
      socket.off('error', onError)
      socket.off('close', onClose)
      if (err !== undefined) reject(err)
      else {
        socket.pause()
        resolve(result!)
      }
    }
    const onData = (chunk: Buffer): void => {
      // Handshakes are a few dozen bytes: concatenating here costs nothing.
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk])
      let parsed: Parsed<T>
      try {
        parsed = parse(buf)
      } catch (e) {
        done(e as Error)
        return
      }
      if (parsed !== undefined) done(undefined, parsed)
    }
    const onError = (e: Error): void => done(e)
    const onClose = (): void => done(Object.assign(new Error('connection closed during the handshake'), { code: 'ECONNRESET' }))
    const timer = setTimeout(() => done(Object.assign(new Error(`no handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs)
    socket.on('data', onData)
    socket.on('error', onError)
    socket.on('close', onClose)
  })
}

export interface DialOptions {
  readonly host: string
  readonly port: number
  readonly hello: Hello
  /** Absolute time (Date.now()) after which no new attempt starts. */
  readonly deadline: number
  readonly signal?: AbortSignal
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EADDRNOTAVAIL'])

/**
 * Connects to a peer and completes the handshake, retrying while the peer is not up yet (its process
 * may still be starting) until `deadline`. A refusal is final and throws HandshakeError.
 */
export async function dialPeer(opts: DialOptions): Promise<{ socket: Socket; leftover: Buffer }> {
  const hello = encodeHello(opts.hello)
  let delay = 10
  let lastError: unknown
  for (;;) {
    opts.signal?.throwIfAborted()
    const remaining = opts.deadline - Date.now()
    if (remaining <= 0) throw Object.assign(new Error(`gave up dialing ${opts.host}:${opts.port}`), { code: 'ETIMEDOUT', cause: lastError })
    const socket = connect({ host: opts.host, port: opts.port, noDelay: true })
    const onAbort = (): void => { socket.destroy() }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      socket.write(hello)
      const { value: status, leftover } = await readHandshake(socket, parseReply, remaining)
      if (status !== HandshakeStatus.ok) {
        socket.destroy()
        throw new HandshakeError(opts.hello.to, describeStatus(status))
      }
      return { socket, leftover }
    } catch (e) {
      socket.destroy()
      opts.signal?.throwIfAborted()
      if (e instanceof HandshakeError) throw e
      const code = (e as { code?: string }).code
      if (code === undefined || !RETRYABLE.has(code)) {
        throw new HandshakeError(opts.hello.to, `${(e as Error).message} (at ${opts.host}:${opts.port})`)
      }
      lastError = e
    } finally {
      opts.signal?.removeEventListener('abort', onAbort)
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, opts.deadline - Date.now()))))
    delay = Math.min(delay * 2, 200)
  }
}
