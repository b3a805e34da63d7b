/**
 * The first bytes on every TCP connection between two parties, before any frame:
 *
 *     dialer → acceptor  hello    'ENGM' [u8 version][u16 n][u16 from][u16 to][u8 mode][u8 sidLen][sessionId utf8]
 *                                 mode 1 (secure): then the dialer's ephemeral X25519 key eD (32)
 *     acceptor → dialer  reply    'ENGM' [u8 status]   (0 = accepted)
 *                                 secure and accepted: then eA (32), sigA (64)
 *     dialer → acceptor  confirm  secure only: sigD (64)
 *
 * Secure mode (the default, issue #9 defect 6) is a signed ephemeral Diffie-Hellman, the SIGMA-style
 * handshake TLS 1.3 also uses: T = SHA-256(label ‖ hello ‖ eA); the acceptor signs T ‖ "acceptor", the
 * dialer T ‖ "dialer", each with its party's Ed25519 key (transport-tcp-keys.ts), which the other
 * side knows. The hello names the session, n and both indices and the signatures cover it, so a
 * party cannot claim another's index, and a man in the middle can neither read nor alter the traffic:
 * both directions are keyed from X25519(eD, eA) by HKDF-SHA256 over T (forward secrecy), then
 * carried in AES-GCM records (transport-tcp-secure.ts). Mode 0 is plaintext for loopback benchmarks.
 *
 * The reply lets a dialer tell "refused" (wrong session, wrong index: fail now) from "not up yet"
 * (connection refused: retry until the connect deadline).
 */
import { connect, type Socket } from 'node:net'
import { createHash, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto'
import { BadFrameError, HandshakeError } from './transport-errors.ts'
import type { LoadedPartyKeys } from './transport-tcp-keys.ts'
import { RecordOpener, RecordSealer } from './transport-tcp-secure.ts'

const MAGIC = Buffer.from('ENGM', 'latin1')
const VERSION = 2
const HELLO_FIXED = 4 + 1 + 2 + 2 + 2 + 1 + 1
const REPLY_BYTES = 5
const KEY_BYTES = 32
const SIG_BYTES = 64
const TRANSCRIPT_LABEL = Buffer.from('enigma-tcp-v2 handshake', 'latin1')

export interface Hello {
  readonly n: number
  readonly from: number
  readonly to: number
  readonly sessionId: string
  /** Secure mode: the dialer's ephemeral X25519 public key (32 bytes). */
  readonly ephemeral?: Buffer
}

export const HandshakeStatus = {
  ok: 0,
  wrongSession: 1,
  wrongParty: 2,
  wrongN: 3,
  duplicate: 4,
  badVersion: 5,
  wrongMode: 6,
} as const

const statusText: Record<number, string> = {
  1: 'the peer is in another session',
  2: 'the peer does not expect a connection from this party index',
  3: 'the peer has a different number of parties',
  4: 'the peer already has a connection from this party',
  5: 'the peer speaks another handshake version',
  6: 'the peer and this party disagree on encryption (secure vs insecurePlaintext)',
}

export function encodeHello(h: Hello): Buffer {
  const sid = Buffer.from(h.sessionId, 'utf8')
  if (sid.length > 255) throw new HandshakeError(h.to, 'session id longer than 255 bytes')
  const eph = h.ephemeral ?? Buffer.alloc(0)
  const b = Buffer.allocUnsafe(HELLO_FIXED + sid.length + eph.length)
  MAGIC.copy(b, 0)
  b[4] = VERSION
  b.writeUInt16BE(h.n, 5)
  b.writeUInt16BE(h.from, 7)
  b.writeUInt16BE(h.to, 9)
  b[11] = h.ephemeral ? 1 : 0
  b[12] = sid.length
  sid.copy(b, HELLO_FIXED)
  eph.copy(b, HELLO_FIXED + sid.length)
  return b
}

type Parsed<T> = { value: T; leftover: Buffer } | undefined

/** Parses a hello from the start of `buf`; undefined if incomplete; throws on garbage. */
export function parseHello(buf: Buffer): Parsed<Hello & { version: number; raw: Buffer }> {
  if (buf.length < HELLO_FIXED) return checkMagic(buf, 'hello')
  checkMagic(buf, 'hello')
  if (buf[4] !== VERSION) {
    // Another version: report it (the caller answers badVersion) without parsing further.
    return { value: { version: buf[4]!, n: 0, from: 0, to: 0, sessionId: '', raw: buf.subarray(0, 5) }, leftover: Buffer.alloc(0) }
  }
  const mode = buf[11]!
  if (mode > 1) throw new BadFrameError('unknown handshake mode')
  const sidEnd = HELLO_FIXED + buf[12]!
  const len = sidEnd + (mode === 1 ? KEY_BYTES : 0)
  if (buf.length < len) return undefined
  return {
    value: {
      version: buf[4]!,
      n: buf.readUInt16BE(5),
      from: buf.readUInt16BE(7),
      to: buf.readUInt16BE(9),
      sessionId: buf.toString('utf8', HELLO_FIXED, sidEnd),
      ...(mode === 1 ? { ephemeral: Buffer.from(buf.subarray(sidEnd, len)) } : {}),
      raw: Buffer.from(buf.subarray(0, len)),
    },
    leftover: buf.subarray(len),
  }
}

export interface Reply {
  readonly status: number
  /** Secure and accepted: the acceptor's ephemeral key and signature. */
  readonly ephemeral?: Buffer
  readonly signature?: Buffer
}

export function encodeReply(status: number, secure?: { ephemeral: Buffer; signature: Buffer }): Buffer {
  const b = Buffer.allocUnsafe(REPLY_BYTES + (secure ? KEY_BYTES + SIG_BYTES : 0))
  MAGIC.copy(b, 0)
  b[4] = status
  if (secure) { secure.ephemeral.copy(b, REPLY_BYTES); secure.signature.copy(b, REPLY_BYTES + KEY_BYTES) }
  return b
}

/** A parser for the reply to our hello: a secure accepted reply carries eA and sigA. */
export function replyParser(secure: boolean): (buf: Buffer) => Parsed<Reply> {
  return (buf) => {
    if (buf.length < REPLY_BYTES) return checkMagic(buf, 'reply')
    checkMagic(buf, 'reply')
    const status = buf[4]!
    if (!secure || status !== HandshakeStatus.ok) return { value: { status }, leftover: buf.subarray(REPLY_BYTES) }
    const len = REPLY_BYTES + KEY_BYTES + SIG_BYTES
    if (buf.length < len) return undefined
    return {
      value: { status, ephemeral: Buffer.from(buf.subarray(REPLY_BYTES, REPLY_BYTES + KEY_BYTES)), signature: Buffer.from(buf.subarray(REPLY_BYTES + KEY_BYTES, len)) },
      leftover: buf.subarray(len),
    }
  }
}

export function parseConfirm(buf: Buffer): Parsed<Buffer> {
  if (buf.length < SIG_BYTES) return undefined
  return { value: Buffer.from(buf.subarray(0, SIG_BYTES)), leftover: buf.subarray(SIG_BYTES) }
}

/** The two record directions of a secure connection. */
export interface SecureChannel {
  readonly sealer: RecordSealer
  readonly opener: RecordOpener
}

export interface Ephemeral {
  readonly privateKey: KeyObject
  readonly publicKey: Buffer
}

export function newEphemeral(): Ephemeral {
  const { privateKey, publicKey } = generateKeyPairSync('x25519')
  const jwk = publicKey.export({ format: 'jwk' }) as { x?: string }
  return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url') }
}

export function transcript(helloRaw: Buffer, acceptorEphemeral: Buffer): Buffer {
  return createHash('sha256').update(TRANSCRIPT_LABEL).update(helloRaw).update(acceptorEphemeral).digest()
}

export function signedPart(t: Buffer, role: 'acceptor' | 'dialer'): Buffer {
  return Buffer.concat([t, Buffer.from(role, 'latin1')])
}

/** Keys both directions from the shared secret; `role` says which direction is ours. */
export function deriveChannel(own: Ephemeral, peerPublic: Buffer, t: Buffer, role: 'acceptor' | 'dialer'): SecureChannel {
  let shared: Buffer
  try {
    const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: peerPublic.toString('base64url') }, format: 'jwk' })
    shared = diffieHellman({ privateKey: own.privateKey, publicKey: peer })
  } catch {
    throw new BadFrameError('bad ephemeral key')
  }
  const okm = Buffer.from(hkdfSync('sha256', shared, t, 'enigma-tcp-v2 record keys', 2 * KEY_BYTES))
  const dialerToAcceptor = okm.subarray(0, KEY_BYTES)
  const acceptorToDialer = okm.subarray(KEY_BYTES)
  return role === 'dialer'
    ? { sealer: new RecordSealer(dialerToAcceptor), opener: new RecordOpener(acceptorToDialer) }
    : { sealer: new RecordSealer(acceptorToDialer), opener: new RecordOpener(dialerToAcceptor) }
}

function checkMagic(buf: Buffer, what: string): undefined {
  const k = Math.min(buf.length, 4)
  if (!buf.subarray(0, k).equals(MAGIC.subarray(0, k))) throw new BadFrameError(`not an Enigma ${what}`)
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
export function readHandshake<T>(socket: Socket, parse: (buf: Buffer) => Parsed<T>, timeoutMs: number, initial?: Buffer): Promise<{ value: T; leftover: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf: Buffer = Buffer.alloc(0)
    if (initial !== undefined && initial.length > 0) {
      buf = initial
      try {
        const parsed = parse(buf)
        if (parsed !== undefined) { resolve(parsed); return }
      } catch (e) {
        reject(e as Error)
        return
      }
    }
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
  /** Secure mode: our keys (the peer must prove it holds party `hello.to`'s key). */
  readonly keys?: LoadedPartyKeys
  /** Absolute time (Date.now()) after which no new attempt starts. */
  readonly deadline: number
  readonly signal?: AbortSignal
}

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EADDRNOTAVAIL'])

/**
 * Connects to a peer and completes the handshake, retrying while the peer is not up yet (its process
 * may still be starting) until `deadline`. A refusal is final and throws HandshakeError.
 */
export async function dialPeer(opts: DialOptions): Promise<{ socket: Socket; leftover: Buffer; channel?: SecureChannel }> {
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
      const eph = opts.keys ? newEphemeral() : undefined
      const hello = encodeHello({ ...opts.hello, ...(eph ? { ephemeral: eph.publicKey } : {}) })
      socket.write(hello)
      const { value: reply, leftover } = await readHandshake(socket, replyParser(eph !== undefined), remaining)
      if (reply.status !== HandshakeStatus.ok) {
        socket.destroy()
        throw new HandshakeError(opts.hello.to, describeStatus(reply.status))
      }
      if (!eph || !opts.keys) return { socket, leftover }
      const t = transcript(hello, reply.ephemeral!)
      if (!opts.keys.verify(opts.hello.to, signedPart(t, 'acceptor'), reply.signature!)) {
        socket.destroy()
        throw new HandshakeError(opts.hello.to, `the peer at ${opts.host}:${opts.port} did not prove it holds party ${opts.hello.to}'s key`)
      }
      let channel: SecureChannel
      try {
        channel = deriveChannel(eph, reply.ephemeral!, t, 'dialer')
      } catch {
        socket.destroy()
        throw new HandshakeError(opts.hello.to, 'the peer sent an invalid ephemeral key')
      }
      socket.write(opts.keys.sign(signedPart(t, 'dialer')))
      return { socket, leftover, channel }
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
