/**
 * The Transport contract (src/protocols/transport.ts) as a reusable node:test suite, run against
 * every implementation (memory, TCP) so they cannot drift apart. Not a test file by itself: each
 * transport's `*.test.ts` calls `transportContractSuite` with a factory.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Transport } from '../protocols/transport.ts'
import { isEnigmaError } from '../common/errors.ts'

export type NetworkFactory = (n: number, options: { timeoutMs?: number }) => Promise<Transport[]>

const enc = new TextEncoder()
const dec = new TextDecoder()

async function closeAll(ts: readonly Transport[]): Promise<void> {
  await Promise.all(ts.map((t) => t.close()))
}

function hasCode(code: string, check?: (e: any) => void) {
  return (e: unknown) => {
    assert.ok(isEnigmaError(e, code), `expected ${code}, got ${String((e as Error)?.stack ?? e)}`)
    check?.(e)
    return true
  }
}

export function transportContractSuite(name: string, make: NetworkFactory): void {
  test(`${name}: frames under one label arrive in order, receive before or after send`, async () => {
    const ts = await make(3, {})
    try {
      const [a, b, c] = ts as [Transport, Transport, Transport]
      const early = b.receive(0, 'r0')
      a.send(1, 'r0', enc.encode('hello'))
      a.send(1, 'r1', enc.encode('world'))
      c.send(1, 'r0', enc.encode('from c'))
      assert.equal(dec.decode(await early), 'hello')
      assert.equal(dec.decode(await b.receive(0, 'r1')), 'world')
      assert.equal(dec.decode(await b.receive(2, 'r0')), 'from c')
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: labels may be consumed out of order`, async () => {
    const ts = await make(2, {})
    try {
      const [a, b] = ts as [Transport, Transport]
      for (let i = 0; i < 10; i++) a.send(1, `step-${i}`, Uint8Array.of(i))
      for (let i = 9; i >= 0; i--) assert.deepEqual(await b.receive(0, `step-${i}`), Uint8Array.of(i))
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: many labels in flight between all pairs`, async () => {
    const n = 4
    const labels = 500
    const ts = await make(n, {})
    try {
      await Promise.all(ts.map(async (t) => {
        for (let l = 0; l < labels; l++) {
          for (let j = 0; j < n; j++) if (j !== t.self) t.send(j, `L${l}`, Uint8Array.of(t.self, j, l & 0xff, l >> 8))
        }
        const got = await Promise.all(Array.from({ length: labels * n }, (_, k) => {
          const from = k % n
          const l = Math.floor(k / n)
          return from === t.self ? null : t.receive(from, `L${l}`)
        }))
        got.forEach((p, k) => {
          if (p === null) return
          assert.deepEqual(p, Uint8Array.of(k % n, t.self, Math.floor(k / n) & 0xff, Math.floor(k / n) >> 8))
        })
      }))
      for (const t of ts) assert.equal(t.stats.framesReceived, labels * (n - 1))
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: a 16 MB frame and an empty frame arrive intact`, async () => {
    const ts = await make(2, {})
    try {
      const [a, b] = ts as [Transport, Transport]
      const big = new Uint8Array(16 * 1024 * 1024 + 3)
      for (let i = 0; i < big.length; i += 4093) big[i] = (i * 31) & 0xff
      big[big.length - 1] = 0xab
      a.send(1, 'big', big)
      a.send(1, 'empty', new Uint8Array(0))
      b.send(0, 'big-back', big)
      const got = await b.receive(0, 'big')
      assert.equal(got.length, big.length)
      assert.ok(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(big), 'payload differs')
      assert.equal((await b.receive(0, 'empty')).length, 0)
      const back = await a.receive(1, 'big-back')
      assert.ok(Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(big))
      assert.equal(a.stats.bytesSent, big.length)
      assert.equal(b.stats.bytesReceived, big.length)
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: the sender may reuse its buffer right after send`, async () => {
    const ts = await make(2, {})
    try {
      const [a, b] = ts as [Transport, Transport]
      const buf = Uint8Array.of(1, 2, 3)
      a.send(1, 'x', buf)
      buf.fill(9)
      assert.deepEqual(await b.receive(0, 'x'), Uint8Array.of(1, 2, 3))
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: received frames keep their bytes: no two share memory, and later frames or the sender's reuse change none`, async () => {
    // Frames travel through reused and pooled memory (the sender's buffer, pooled frame and record
    // buffers, socket chunks several frames are views of): a payload handed to the protocol must stay
    // its own (issue #14, night session).
    const ts = await make(2, {})
    try {
      const [a, b] = ts as [Transport, Transport]
      const sizes = Array.from({ length: 60 }, (_, i) => (i % 15 === 14 ? 70_000 + i : 1 + ((i * 7) % 40)))
      const pattern = (i: number, len: number) => Uint8Array.from({ length: len }, (_, k) => (i * 13 + k) & 0xff)
      const reused = new Uint8Array(80_000)
      const got: Uint8Array[] = []
      for (let i = 0; i < sizes.length; i++) {
        const view = reused.subarray(0, sizes[i]!)
        view.set(pattern(i, sizes[i]!))
        a.send(1, `f#${i}`, view)
        reused.fill(0xaa) // the caller reuses its buffer at once
        if (i % 3 === 2) got.push(...await Promise.all([i - 2, i - 1, i].map((j) => b.receive(0, `f#${j}`))))
      }
      const expected = sizes.map((len, i) => Buffer.from(pattern(i, len)))
      const intact = (j: number) => Buffer.from(got[j]!.buffer, got[j]!.byteOffset, got[j]!.byteLength).equals(expected[j]!)
      got.forEach((_, i) => assert.ok(intact(i), `frame ${i} changed after it was received`))
      for (let i = 0; i < got.length; i++) {
        got[i]!.fill(0xee)
        for (let j = i + 1; j < got.length; j++) assert.ok(intact(j), `writing frame ${i} changed frame ${j}`)
      }
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: a silent peer makes the receive reject with MPC_TIMEOUT naming it`, async () => {
    const ts = await make(3, { timeoutMs: 150 })
    try {
      const started = Date.now()
      await assert.rejects(ts[0]!.receive(2, 'round-7'), hasCode('MPC_TIMEOUT', (e) => {
        assert.equal(e.meta.party, 2)
        assert.equal(e.meta.label, 'round-7')
        assert.match(e.message, /party 2/)
      }))
      assert.ok(Date.now() - started >= 140)
      await assert.rejects(ts[0]!.receive(1, 'r', { timeoutMs: 20 }), hasCode('MPC_TIMEOUT'))
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: an aborted signal rejects the receive with its reason`, async () => {
    const ts = await make(2, {})
    try {
      const ac = new AbortController()
      const p = ts[0]!.receive(1, 'x', { signal: ac.signal })
      ac.abort(new Error('stop now'))
      await assert.rejects(p, /stop now/)
      await assert.rejects(ts[0]!.receive(1, 'y', { signal: ac.signal }), /stop now/)
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: close rejects pending and later receives with MPC_TRANSPORT_CLOSED`, async () => {
    const ts = await make(2, {})
    try {
      const pending = ts[0]!.receive(1, 'never')
      const closing = ts[0]!.close()
      await assert.rejects(pending, hasCode('MPC_TRANSPORT_CLOSED'))
      await closing
      await assert.rejects(ts[0]!.receive(1, 'later'), hasCode('MPC_TRANSPORT_CLOSED'))
      await ts[0]!.close() // idempotent
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: a peer that closes delivers what it sent, then receives from it reject with MPC_PEER_DISCONNECTED`, async () => {
    const ts = await make(3, {})
    try {
      const pending = ts[0]!.receive(1, 'never-sent')
      ts[1]!.send(0, 'last-words', enc.encode('bye'))
      const rejected = assert.rejects(pending, hasCode('MPC_PEER_DISCONNECTED', (e) => assert.equal(e.meta.party, 1)))
      await ts[1]!.close()
      await rejected
      assert.equal(dec.decode(await ts[0]!.receive(1, 'last-words')), 'bye')
      await assert.rejects(ts[0]!.receive(1, 'later'), hasCode('MPC_PEER_DISCONNECTED'))
      // The other link is unaffected.
      ts[2]!.send(0, 'ok', Uint8Array.of(7))
      assert.deepEqual(await ts[0]!.receive(2, 'ok'), Uint8Array.of(7))
    } finally {
      await closeAll(ts)
    }
  })

  test(`${name}: bad arguments are refused with INVALID_ARGUMENT`, async () => {
    const ts = await make(2, {})
    try {
      const t = ts[0]!
      assert.throws(() => t.send(0, 'x', new Uint8Array(1)), hasCode('INVALID_ARGUMENT'))
      assert.throws(() => t.send(2, 'x', new Uint8Array(1)), hasCode('INVALID_ARGUMENT'))
      assert.throws(() => t.send(1, 'é', new Uint8Array(1)), hasCode('INVALID_ARGUMENT'))
      assert.throws(() => t.send(1, 'x'.repeat(256), new Uint8Array(1)), hasCode('INVALID_ARGUMENT'))
      assert.throws(() => t.send(1, 'x', [1, 2] as unknown as Uint8Array), hasCode('INVALID_ARGUMENT'))
      await assert.rejects(t.receive(0, 'x'), hasCode('INVALID_ARGUMENT'))
      t.send(1, 'x'.repeat(255), Uint8Array.of(5))
      assert.deepEqual(await ts[1]!.receive(0, 'x'.repeat(255)), Uint8Array.of(5))
    } finally {
      await closeAll(ts)
    }
  })
}
