import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Connection, Stream } from '@libp2p/interface'
import { createHost, type NodeHost } from './host.ts'
import { corkWritesPerTick } from './cork-connection.ts'

const PROTOCOL = '/enigma/test-cork/1.0.0'
const hosts: NodeHost[] = []
after(async () => { for (const h of hosts) await h.stop() })

async function host(): Promise<NodeHost> {
  const h = await createHost({ privateKey: await generateKeyPair('Ed25519') })
  hosts.push(h)
  return h
}

function socketOf(connection: Connection): Socket {
  const socket = (connection as unknown as { maConn?: { socket?: unknown } }).maConn?.socket
  assert.ok(socket instanceof Socket, 'the installed @libp2p/tcp no longer exposes its socket: cork-connection.ts needs updating')
  return socket
}

const [a, b] = await Promise.all([host(), host()])
const received: Uint8Array[] = []
await b.handle(PROTOCOL, (stream: Stream) => {
  stream.addEventListener('message', (evt) => {
    received.push(evt.data instanceof Uint8Array ? evt.data.slice() : evt.data.subarray())
    stream.send(Uint8Array.of(0xac)) // an answer in the receiving tick (like the next MPC round)
  })
})

test('a libp2p connection is corked for the rest of the tick it writes in, then flushed', async () => {
  const stream = await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL)
  const conn = a.getConnections(b.peerId)[0]!
  const socket = socketOf(conn)
  const answers: number[] = []
  stream.addEventListener('message', (evt) => { answers.push(...(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())) })
  for (let round = 0; round < 20; round++) {
    const before = answers.length
    // Two sends in one tick: yamux frames and noise's length + ciphertext pieces, all held back...
    stream.send(Uint8Array.of(round, 1))
    stream.send(Uint8Array.of(round, 2))
    assert.equal(socket.writableCorked, 1, 'corked while the tick lasts')
    await Promise.resolve()
    assert.equal(socket.writableCorked, 1, 'still corked for the microtasks of the same tick')
    // ...and written once the tick is over.
    await new Promise((r) => setImmediate(r))
    assert.equal(socket.writableCorked, 0, 'uncorked after the tick')
    for (let k = 0; k < 500 && answers.length === before; k++) await new Promise((r) => setTimeout(r, 10))
    assert.ok(answers.length > before, `round ${round}: an answer came back`)
  }
  const bytes = received.flatMap((r) => [...r])
  assert.deepEqual(bytes, Array.from({ length: 20 }, (_, round) => [round, 1, round, 2]).flat(), 'every byte arrived, in order')
  await stream.close()
})

test('both ends of a connection are corked (inbound as well as outbound)', async () => {
  const conn = b.getConnections(a.peerId)[0]!
  const socket = socketOf(conn)
  const stream = await b.dialProtocol(a.peerId, '/ipfs/ping/1.0.0')
  stream.send(new Uint8Array(32))
  assert.equal(socket.writableCorked, 1)
  await new Promise((r) => setImmediate(r))
  assert.equal(socket.writableCorked, 0)
  await stream.close().catch(() => {})
})

test('a large write is not held back: it flushes what is corked and goes out at once', async () => {
  const stream = await a.dialProtocol(b.getMultiaddrs()[0]!, PROTOCOL)
  const socket = socketOf(a.getConnections(b.peerId)[0]!)
  const before = received.reduce((n, r) => n + r.length, 0)
  stream.send(Uint8Array.of(7))
  assert.equal(socket.writableCorked, 1)
  stream.send(new Uint8Array(100 * 1024).fill(9))
  assert.equal(socket.writableCorked, 0, 'uncorked by the large write')
  for (let k = 0; k < 1000 && received.reduce((n, r) => n + r.length, 0) < before + 1 + 100 * 1024; k++) await new Promise((r) => setTimeout(r, 10))
  const bytes = Buffer.concat(received).subarray(before)
  assert.equal(bytes.length, 1 + 100 * 1024)
  assert.equal(bytes[0], 7, 'the corked byte went first')
  assert.ok(bytes.subarray(1).every((x) => x === 9))
  await stream.close()
})

test('a connection without a TCP socket is left alone', () => {
  assert.equal(corkWritesPerTick(undefined), false)
  assert.equal(corkWritesPerTick({ maConn: { sendData: () => undefined } }), false)
  assert.equal(corkWritesPerTick({ maConn: { socket: new Socket() } }), false)
})
