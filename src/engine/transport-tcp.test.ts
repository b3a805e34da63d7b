import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { listenTcp, createTcpTransport, type TcpListener } from './transport-tcp.ts'
import { transportContractSuite } from './transport-contract-suite.ts'
import { isEnigmaError } from '../common/errors.ts'
import type { Transport } from '../protocols/transport.ts'
import { generateCommitteeKeys, type PartyKeys } from './transport-tcp-keys.ts'

/** Keys for a committee of n, and party i's share of them. */
function committeeKeys(n: number): (i: number) => { keys: PartyKeys } {
  const k = generateCommitteeKeys(n)
  return (i) => ({ keys: { privateKey: k.privateKeys[i]!, publicKeys: k.publicKeys } })
}
const k2 = committeeKeys(2)

/** n parties over loopback TCP inside this process: listen on free ports, then connect all. */
async function tcpNetwork(n: number, options: { timeoutMs?: number; sessionId?: string } = {}): Promise<Transport[]> {
  const sessionId = options.sessionId ?? `test-${process.pid}-${Math.random()}`
  const listeners: TcpListener[] = []
  const keys = committeeKeys(n)
  for (let i = 0; i < n; i++) {
    listeners.push(await listenTcp({ self: i, n, sessionId, ...keys(i), ...(options.timeoutMs ? { receiveTimeoutMs: options.timeoutMs } : {}) }))
  }
  const peers = listeners.map((l) => ({ host: l.host, port: l.port }))
  return Promise.all(listeners.map((l) => l.connect(peers, { connectTimeoutMs: 5000 })))
}

transportContractSuite('tcp', (n, options) => tcpNetwork(n, options))

test('tcp: a wrong session id is refused in the handshake', async () => {
  const a = await listenTcp({ self: 1, n: 2, sessionId: 'task-A', ...k2(1) })
  const b = await listenTcp({ self: 0, n: 2, sessionId: 'task-B', ...k2(0) })
  const peers = [{ host: b.host, port: b.port }, { host: a.host, port: a.port }]
  const started = Date.now()
  await assert.rejects(b.connect(peers, { connectTimeoutMs: 3000 }), (e) => {
    assert.ok(isEnigmaError(e, 'MPC_HANDSHAKE_REFUSED'), String(e))
    assert.equal(e.meta.party, 1)
    assert.match(e.message, /another session/)
    return true
  })
  assert.ok(Date.now() - started < 1000, 'refusal is immediate, not a timeout')
  // The acceptor keeps waiting for the right peer and times out naming it.
  await assert.rejects(a.connect(peers, { connectTimeoutMs: 200 }), (e) => isEnigmaError(e, 'MPC_CONNECT_TIMEOUT') && String(e.meta.missing) === '0')
  await Promise.all([a.close(), b.close()])
})

test('tcp: a stray connection speaking another protocol does not disturb the session', async () => {
  const a = await listenTcp({ self: 1, n: 2, sessionId: 's', ...k2(1) })
  const stray = connect({ host: a.host, port: a.port })
  await new Promise((r) => stray.once('connect', r))
  stray.write('GET / HTTP/1.1\r\n\r\n')
  const strayClosed = new Promise((r) => stray.once('close', r))
  stray.on('error', () => {})
  await strayClosed
  const b = await listenTcp({ self: 0, n: 2, sessionId: 's', ...k2(0) })
  const peers = [{ host: b.host, port: b.port }, { host: a.host, port: a.port }]
  const [tb, ta] = await Promise.all([b.connect(peers), a.connect(peers)])
  tb.send(1, 'x', Uint8Array.of(1))
  assert.deepEqual(await ta.receive(0, 'x'), Uint8Array.of(1))
  await Promise.all([ta.close(), tb.close()])
})

test('tcp: dialers retry until a late peer starts listening', async () => {
  // Reserve a port for party 1 by listening, note it, close, and start party 1 there later.
  const probe = await listenTcp({ self: 1, n: 2, sessionId: 'late', ...k2(1) })
  const port1 = probe.port
  await probe.close()
  const b = await listenTcp({ self: 0, n: 2, sessionId: 'late', ...k2(0) })
  const peers = [{ host: '127.0.0.1', port: b.port }, { host: '127.0.0.1', port: port1 }]
  const dialing = b.connect(peers, { connectTimeoutMs: 5000 })
  await new Promise((r) => setTimeout(r, 300))
  const ta = await createTcpTransport({ self: 1, n: 2, sessionId: 'late', peers, ...k2(1) })
  const tb = await dialing
  ta.send(0, 'hi', Uint8Array.of(2))
  assert.deepEqual(await tb.receive(1, 'hi'), Uint8Array.of(2))
  await Promise.all([ta.close(), tb.close()])
})

test('tcp: connect gives up at its timeout naming the missing party', async () => {
  const b = await listenTcp({ self: 0, n: 3, sessionId: 'lonely', ...committeeKeys(3)(0) })
  const peers = [{ host: '127.0.0.1', port: b.port }, { host: '127.0.0.1', port: 1 }, { host: '127.0.0.1', port: 1 }]
  await assert.rejects(b.connect(peers, { connectTimeoutMs: 300 }), (e) => {
    assert.ok(isEnigmaError(e, 'MPC_CONNECT_TIMEOUT'), String(e))
    assert.deepEqual(e.meta.missing, [1, 2])
    return true
  })
})

test('tcp: frames sent before the receiver called connect() are kept', async () => {
  const ls = await Promise.all([0, 1].map((i) => listenTcp({ self: i, n: 2, sessionId: 'early', ...k2(i) })))
  const peers = ls.map((l) => ({ host: l.host, port: l.port }))
  // Party 0 dials; party 1's listener accepts before party 1 itself calls connect().
  const t0 = await ls[0]!.connect(peers)
  t0.send(1, 'early', Uint8Array.of(3))
  await new Promise((r) => setTimeout(r, 50))
  const t1 = await ls[1]!.connect(peers)
  assert.deepEqual(await t1.receive(0, 'early'), Uint8Array.of(3))
  await Promise.all([t0.close(), t1.close()])
})

test('tcp: back-pressure queues 64 MB without blocking send, and it all arrives', async () => {
  const [a, b] = await tcpNetwork(2) as [Transport & { backlogBytes(p: number): number }, Transport]
  const frame = new Uint8Array(1 << 20)
  const t0 = performance.now()
  for (let i = 0; i < 64; i++) {
    frame[0] = i
    a.send(1, `f${i}`, frame)
  }
  const sendMs = performance.now() - t0
  assert.ok(a.backlogBytes(1) > 0, 'some bytes are still queued right after send')
  for (let i = 0; i < 64; i++) assert.equal((await b.receive(0, `f${i}`))[0], i)
  assert.equal(a.backlogBytes(1), 0)
  assert.ok(sendMs < 2000, `send loop took ${sendMs} ms`)
  await Promise.all([a.close(), b.close()])
})

test('tcp: a peer process killed mid-run makes pending receives reject with MPC_PEER_DISCONNECTED', async () => {
  const { spawn } = await import('node:child_process')
  const { fileURLToPath } = await import('node:url')
  const script = fileURLToPath(new URL('./transport-fixture-killed-peer.ts', import.meta.url))
  // The child makes its own key and tells us its public half; it learns ours from its arguments.
  const { generatePartyKey } = await import('./transport-tcp-keys.ts')
  const own = generatePartyKey()
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, 'kill-test', own.publicKey], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((r) => child.once('exit', (code, sig) => r(sig ?? code)))
  try {
    const [port1, public1] = await new Promise<[number, string]>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => { const [p, k] = d.toString().trim().split(' '); resolve([Number(p), k!]) })
      child.once('exit', () => reject(new Error('peer script died before listening')))
    })
    const l0 = await listenTcp({ self: 0, n: 2, sessionId: 'kill-test', receiveTimeoutMs: 20_000, keys: { privateKey: own.privateKey, publicKeys: [own.publicKey, public1] } })
    child.stdin.write(`${l0.port}\n`)
    const t0 = await l0.connect([{ host: '127.0.0.1', port: l0.port }, { host: '127.0.0.1', port: port1 }])
    assert.deepEqual(await t0.receive(1, 'hello'), Uint8Array.of(1))
    const started = Date.now()
    await assert.rejects(t0.receive(1, 'never'), (e) => {
      assert.ok(isEnigmaError(e, 'MPC_PEER_DISCONNECTED'), String(e))
      assert.equal(e.meta.party, 1)
      return true
    })
    assert.ok(Date.now() - started < 5000, 'a disconnect, not the 20 s timeout')
    assert.equal(await exited, 'SIGKILL')
    await t0.close()
  } finally {
    child.kill('SIGKILL')
  }
})
