/**
 * Red-team tests of the TCP transport's security (issue #9, defect 6) and receive budget (defect 5):
 * an impostor claiming another party's index, a man in the middle with its own key, a flipped byte on
 * the wire, oversized headers, plaintext on a non-loopback address, a party flooding unread frames.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, connect, type Socket } from 'node:net'
import { createCipheriv } from 'node:crypto'
import { listenTcp, type TcpListener } from './transport-tcp.ts'
import { generateCommitteeKeys, generatePartyKey, LoadedPartyKeys } from './transport-tcp-keys.ts'
import { dialPeer, encodeHello } from './transport-tcp-handshake.ts'
import { RecordOpener, RecordSealer, MAX_RECORD_BYTES } from './transport-tcp-secure.ts'
import { FrameDecoder, encodeFrame, encodeFrameHeader } from './frame-codec.ts'
import { isEnigmaError } from '../common/errors.ts'

function keysOf(k: { privateKeys: string[]; publicKeys: string[] }, i: number) {
  return { keys: { privateKey: k.privateKeys[i]!, publicKeys: k.publicKeys } }
}

test('an impostor holding party 2\'s key cannot connect as party 0; the real party 0 still can', async () => {
  const k = generateCommitteeKeys(3)
  const sessionId = 'impostor'
  const l1 = await listenTcp({ self: 1, n: 3, sessionId, ...keysOf(k, 1) })
  const l2 = await listenTcp({ self: 2, n: 3, sessionId, ...keysOf(k, 2) })
  // Party 2 is corrupt: it dials party 1 claiming index 0, signing with its own key.
  const evilKeys = new LoadedPartyKeys('test', { privateKey: k.privateKeys[2]!, publicKeys: k.publicKeys }, 3, 2)
  const { socket, channel } = await dialPeer({ host: l1.host, port: l1.port, hello: { n: 3, from: 0, to: 1, sessionId }, keys: evilKeys, deadline: Date.now() + 5_000 })
  const evilFrame = Buffer.concat(channel!.sealer.seal([encodeFrame('x', Uint8Array.of(6, 6, 6))]))
  socket.resume()
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  socket.on('error', () => {})
  socket.write(evilFrame)
  await closed // the acceptor hangs up on it
  // The real party 0 connects afterwards and its frame, not the impostor's, arrives.
  const l0 = await listenTcp({ self: 0, n: 3, sessionId, ...keysOf(k, 0) })
  const peers = [l0, l1, l2].map((l) => ({ host: l.host, port: l.port }))
  const [t0, t1, t2] = await Promise.all([l0.connect(peers), l1.connect(peers), l2.connect(peers)])
  t0.send(1, 'x', Uint8Array.of(1))
  assert.deepEqual(await t1.receive(0, 'x'), Uint8Array.of(1))
  await Promise.all([t0.close(), t1.close(), t2.close()])
})

test('a dialer without keys (plaintext hello) is refused by a secure party, and the reverse', async () => {
  const k = generateCommitteeKeys(2)
  const secure = await listenTcp({ self: 1, n: 2, sessionId: 'mode', ...keysOf(k, 1) })
  const plain = await listenTcp({ self: 0, n: 2, sessionId: 'mode', insecurePlaintext: true })
  const peers = [{ host: plain.host, port: plain.port }, { host: secure.host, port: secure.port }]
  await assert.rejects(plain.connect(peers, { connectTimeoutMs: 3_000 }), (e) => isEnigmaError(e, 'MPC_HANDSHAKE_REFUSED') && /encryption/.test(e.message))
  await Promise.all([secure.close(), plain.close()])
})

test('a man in the middle with its own key is detected by the dialer', async () => {
  const k = generateCommitteeKeys(2)
  const fake = generatePartyKey()
  const l0 = await listenTcp({ self: 0, n: 2, sessionId: 'mitm', ...keysOf(k, 0) })
  // The attacker answers at party 1's address with its own key pair (it does not have party 1's).
  const mitm = await listenTcp({ self: 1, n: 2, sessionId: 'mitm', keys: { privateKey: fake.privateKey, publicKeys: [k.publicKeys[0]!, fake.publicKey] } })
  const peers = [{ host: l0.host, port: l0.port }, { host: mitm.host, port: mitm.port }]
  await assert.rejects(l0.connect(peers, { connectTimeoutMs: 3_000 }), (e) => isEnigmaError(e, 'MPC_HANDSHAKE_REFUSED') && /did not prove/.test(e.message))
  await Promise.all([l0.close(), mitm.close()])
})

/** Forwards party 0 → party 1 through a proxy that flips one byte after the handshake. */
async function tamperingProxy(target: number, flipAt: number): Promise<{ port: number; close(): void }> {
  const sockets: Socket[] = []
  const server = createServer((down) => {
    const up = connect({ host: '127.0.0.1', port: target })
    sockets.push(down, up)
    let seen = 0
    down.on('data', (chunk: Buffer) => {
      if (seen <= flipAt && flipAt < seen + chunk.length) {
        chunk = Buffer.from(chunk)
        chunk[flipAt - seen] ^= 0x01
      }
      seen += chunk.length
      up.write(chunk)
    })
    up.on('data', (c: Buffer) => down.write(c))
    for (const s of [down, up]) { s.on('error', () => {}); s.on('close', () => { down.destroy(); up.destroy() }) }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  return { port, close: () => { for (const s of sockets) s.destroy(); server.close() } }
}

test('one flipped byte on the wire is detected: the receiver drops the link and names the party', async () => {
  const k = generateCommitteeKeys(2)
  const l0 = await listenTcp({ self: 0, n: 2, sessionId: 'tamper', ...keysOf(k, 0) })
  const l1 = await listenTcp({ self: 1, n: 2, sessionId: 'tamper', ...keysOf(k, 1), receiveTimeoutMs: 10_000 })
  // Hello (≈ 58 bytes) + confirm (64) come first: byte 400 is inside the first record.
  const proxy = await tamperingProxy(l1.port, 400)
  try {
    const [t0, t1] = await Promise.all([
      l0.connect([{ host: l0.host, port: l0.port }, { host: '127.0.0.1', port: proxy.port }]),
      l1.connect([{ host: l0.host, port: l0.port }, { host: l1.host, port: l1.port }]),
    ])
    t0.send(1, 'x', new Uint8Array(1000).fill(5))
    const started = Date.now()
    await assert.rejects(t1.receive(0, 'x'), (e) => isEnigmaError(e, 'MPC_PEER_DISCONNECTED') && e.meta.party === 0 && /authentication/.test(e.message))
    assert.ok(Date.now() - started < 5_000, 'detected at once, not by the deadline')
    await Promise.all([t0.close(), t1.close()])
  } finally {
    proxy.close()
  }
})

test('record layer: tampering, replay and reordering fail authentication; huge record lengths are refused', () => {
  const key = Buffer.alloc(32, 9)
  const sealer = new RecordSealer(key)
  const r1 = Buffer.concat(sealer.seal([Buffer.from('first')]))
  const r2 = Buffer.concat(sealer.seal([Buffer.from('second')]))
  assert.equal(Buffer.concat(new RecordOpener(key).open(Buffer.concat([r1, r2]))).toString(), 'firstsecond')
  const flipped = Buffer.from(r1); flipped[6]! ^= 0x80
  assert.throws(() => new RecordOpener(key).open(flipped), { code: 'MPC_BAD_FRAME' } as object)
  assert.throws(() => new RecordOpener(key).open(r2), { code: 'MPC_BAD_FRAME' } as object) // out of order
  const replay = new RecordOpener(key)
  replay.open(r1)
  assert.throws(() => replay.open(r1), { code: 'MPC_BAD_FRAME' } as object)
  const huge = Buffer.alloc(4); huge.writeUInt32BE(0xffffffff)
  assert.throws(() => new RecordOpener(key).open(huge), { code: 'MPC_BAD_FRAME' } as object)
  // A record larger than the limit is split by the sealer.
  const big = Buffer.alloc(MAX_RECORD_BYTES * 2 + 5, 1)
  const records = new RecordSealer(key).seal([big])
  assert.ok(Buffer.from(records[0]!).readUInt32BE(0) <= MAX_RECORD_BYTES)
  assert.ok(Buffer.concat(new RecordOpener(key).open(Buffer.concat(records))).equals(big))
})

test('a frame header announcing a huge payload allocates nothing until the bytes arrive', () => {
  const frames: Uint8Array[] = []
  const decoder = new FrameDecoder((_l, p) => frames.push(p), 256 * 1024 * 1024)
  const before = process.memoryUsage().arrayBuffers
  decoder.push(Buffer.concat([encodeFrameHeader('big', 200 * 1024 * 1024), Buffer.alloc(10)]))
  const grown = process.memoryUsage().arrayBuffers - before
  assert.ok(grown < 8 * 1024 * 1024, `allocated ${grown} bytes for a 200 MiB header`)
  assert.equal(decoder.pendingBytes, 10)
  assert.throws(() => new FrameDecoder(() => {}, 256 * 1024 * 1024).push(encodeFrameHeader('x', 0xffffffff)), { code: 'MPC_BAD_FRAME' } as object)
})

test('plaintext is refused off loopback, and keys are required otherwise', async () => {
  await assert.rejects(listenTcp({ self: 0, n: 2, sessionId: 'p', insecurePlaintext: true, host: '0.0.0.0' }), { code: 'INVALID_ARGUMENT' } as object)
  await assert.rejects(listenTcp({ self: 0, n: 2, sessionId: 'p' }), { code: 'INVALID_ARGUMENT' } as object)
  const l: TcpListener = await listenTcp({ self: 0, n: 2, sessionId: 'p', insecurePlaintext: true })
  await assert.rejects(l.connect([{ host: '127.0.0.1', port: l.port }, { host: '10.1.2.3', port: 1 }]), { code: 'INVALID_ARGUMENT' } as object)
  await l.close()
  // A well-formed hello is still only a hello: nothing about it is trusted in secure mode.
  assert.ok(encodeHello({ n: 2, from: 0, to: 1, sessionId: 'p' }).length > 0)
})

test('a party that floods frames nobody asked for is cut off at its budget, named', async () => {
  const k = generateCommitteeKeys(2)
  const limits = { receiveLimits: { bytesPerSender: 256 * 1024, bytesPerSession: 1024 * 1024, labelsAhead: 64 } }
  const ls = await Promise.all([0, 1].map((i) => listenTcp({ self: i, n: 2, sessionId: 'flood', ...keysOf(k, i), ...limits })))
  const peers = ls.map((l) => ({ host: l.host, port: l.port }))
  const [t0, t1] = await Promise.all(ls.map((l) => l.connect(peers)))
  const pending = t1.receive(0, 'real#1')
  for (let i = 0; i < 100_000; i++) t0!.send(1, `junk-${i}`, new Uint8Array(0))
  await assert.rejects(pending, (e) => isEnigmaError(e, 'MPC_PEER_DISCONNECTED') && e.meta.party === 0 && /budget/.test(e.message))
  // Labels far ahead of the receiver's program counter are refused as well.
  const ls2 = await Promise.all([0, 1].map((i) => listenTcp({ self: i, n: 2, sessionId: 'ahead', ...keysOf(k, i), ...limits })))
  const peers2 = ls2.map((l) => ({ host: l.host, port: l.port }))
  const [u0, u1] = await Promise.all(ls2.map((l) => l.connect(peers2)))
  const waiting = u1!.receive(0, 'mul#2')
  u0!.send(1, 'mul#9999', Uint8Array.of(1))
  await assert.rejects(waiting, (e) => isEnigmaError(e, 'MPC_PEER_DISCONNECTED') && /ahead/.test(e.message))
  await Promise.all([t0!.close(), t1!.close(), u0!.close(), u1!.close()])
})

test('record layer: the wire format is length | AES-256-GCM(counter nonce) | tag, in one buffer or in parts, and opens from any split of the stream', () => {
  const key = Buffer.alloc(32, 7)
  // Sizes on both sides of the one-buffer limit (16 KiB) and of a record (MAX_RECORD_BYTES): the nonce
  // buffer is reused per record, so every record must still carry its own counter.
  const sizes = [1, 21, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000, MAX_RECORD_BYTES + 3]
  const payloads = sizes.map((n, k) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + k) & 0xff)))
  const sealer = new RecordSealer(key)
  const wire = Buffer.concat(payloads.flatMap((p) => sealer.seal([p.subarray(0, 7), p.subarray(7)])))
  // Known answer: each record computed here with its own cipher object and a fresh nonce.
  const expected: Buffer[] = []
  let counter = 0
  for (const p of payloads) {
    for (let at = 0; at < p.length; at += MAX_RECORD_BYTES) {
      const part = p.subarray(at, at + MAX_RECORD_BYTES)
      const iv = Buffer.alloc(12); iv.writeUIntBE(counter++, 6, 6)
      const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 })
      const head = Buffer.alloc(4); head.writeUInt32BE(part.length)
      expected.push(head, c.update(part), c.final(), c.getAuthTag())
    }
  }
  assert.ok(wire.equals(Buffer.concat(expected)))
  // Opened from chunks cut at arbitrary points (1-byte pieces at record boundaries included).
  const all = Buffer.concat(payloads)
  for (const seed of [1, 2, 3]) {
    const opener = new RecordOpener(key)
    const got: Buffer[] = []
    let rng = seed
    for (let at = 0; at < wire.length;) {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff
      const cut = rng % 5 === 0 ? 1 : 1 + (rng % 40_000)
      got.push(...opener.open(wire.subarray(at, at + cut)))
      at += cut
    }
    assert.equal(opener.pendingBytes, 0)
    assert.ok(Buffer.concat(got).equals(all), `seed ${seed}`)
  }
})
