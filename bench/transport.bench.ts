/**
 * TCP transport between two processes (launched with launchParties): ping-pong round-trip time and
 * streaming throughput at 8 B, 1 MB and 16 MB frames, plus small-frame rate and a bidirectional run
 * (the MPC pattern: both parties send a round's batch, then both receive).
 *
 *   node --import tsx --import ./src/common/polyfill.mjs bench/transport.bench.ts [--quick]
 *     [--security secure,plain] [--copy copy,zero]
 *
 * `secure` is the default transport (authenticated, AES-GCM records); `plain` is `insecurePlaintext`
 * (loopback benchmarks only). With both, a last table gives secure/plain per case (issue #9 target:
 * ≥ 0.8). Writes bench/results/transport.json and prints a table. This file is also the party module.
 * `--inproc tcp-secure|tcp-plain|libp2p [round trips] [bytes]` instead: CPU per ping-pong round trip
 * in one process, the engine's transport against the node path (`inProcessPingPong`).
 * Last, the record ciphers alone (`aeadCosts`; `--aead-only` runs just that): the engine's AES-GCM
 * records against noise's ChaCha20-Poly1305 messages (the node path) and the other installed AEADs.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { loadavg } from 'node:os'
import type { Transport } from '../src/protocols/transport.ts'
import type { PartyContext } from '../src/engine/launch-protocol.ts'

interface Row {
  readonly name: string
  readonly frameBytes: number
  readonly frames: number
  readonly ms: number
  readonly mbPerSec?: number
  readonly rttUs?: { mean: number; p50: number; p99: number }
  readonly framesPerSec?: number
  readonly cpuMs?: number
}

const MB = 1024 * 1024

async function pingPong(t: Transport, name: string, size: number, rounds: number, warmup: number): Promise<Row | undefined> {
  const peer = 1 - t.self
  const payload = new Uint8Array(size)
  const times: number[] = []
  for (let i = 0; i < warmup + rounds; i++) {
    const label = `${name}-${i}`
    const t0 = performance.now()
    if (t.self === 0) {
      t.send(peer, label, payload)
      await t.receive(peer, label)
    } else {
      const got = await t.receive(peer, label)
      t.send(peer, label, got)
    }
    if (i >= warmup) times.push(performance.now() - t0)
  }
  if (t.self !== 0) return undefined
  times.sort((a, b) => a - b)
  const total = times.reduce((a, b) => a + b, 0)
  const us = (ms: number): number => Math.round(ms * 1000 * 10) / 10
  return {
    name, frameBytes: size, frames: rounds, ms: Math.round(total),
    rttUs: { mean: us(total / rounds), p50: us(times[Math.floor(rounds / 2)]!), p99: us(times[Math.floor(rounds * 0.99)]!) },
    // Both directions carry `size` bytes per round trip.
    ...(size >= 1024 ? { mbPerSec: round((2 * size * rounds) / MB / (total / 1000)) } : {}),
  }
}

/** Party 0 streams `frames` frames to party 1, which acknowledges the last one. */
async function stream(t: Transport, name: string, size: number, frames: number): Promise<Row | undefined> {
  const peer = 1 - t.self
  await barrier(t, `${name}-start`)
  const t0 = performance.now()
  if (t.self === 0) {
    const payload = new Uint8Array(size)
    for (let i = 0; i < frames; i++) t.send(peer, `${name}-${i}`, payload)
    await t.receive(peer, `${name}-ack`)
  } else {
    for (let i = 0; i < frames; i++) await t.receive(peer, `${name}-${i}`)
    t.send(peer, `${name}-ack`, new Uint8Array(0))
    return undefined
  }
  const ms = performance.now() - t0
  return { name, frameBytes: size, frames, ms: round(ms), mbPerSec: round((size * frames) / MB / (ms / 1000)), framesPerSec: Math.round(frames / (ms / 1000)) }
}

/** Both parties send `frames` frames to each other at once, then receive all of them. */
async function bidirectional(t: Transport, name: string, size: number, frames: number): Promise<Row | undefined> {
  const peer = 1 - t.self
  await barrier(t, `${name}-start`)
  const t0 = performance.now()
  const payload = new Uint8Array(size)
  for (let i = 0; i < frames; i++) t.send(peer, `${name}-${i}`, payload)
  for (let i = 0; i < frames; i++) await t.receive(peer, `${name}-${i}`)
  await barrier(t, `${name}-end`)
  const ms = performance.now() - t0
  if (t.self !== 0) return undefined
  return { name, frameBytes: size, frames, ms: round(ms), mbPerSec: round((size * frames) / MB / (ms / 1000)) }
}

async function barrier(t: Transport, label: string): Promise<void> {
  t.send(1 - t.self, label, new Uint8Array(0))
  await t.receive(1 - t.self, label)
}

function round(x: number): number {
  return Math.round(x * 10) / 10
}

/** Runs a case on both parties; party 0 measures time, both measure their own CPU time. */
async function measured(t: Transport, run: () => Promise<Row | undefined>, name: string): Promise<Row | { name: string; cpuMs: number }> {
  const c0 = process.cpuUsage()
  const row = await run()
  const c = process.cpuUsage(c0)
  const cpuMs = round((c.user + c.system) / 1000)
  return row === undefined ? { name, cpuMs } : { ...row, cpuMs }
}

export async function party({ transport: t, args }: PartyContext<{ quick: boolean }>): Promise<(Row | { name: string; cpuMs: number })[]> {
  const q = args.quick ? 0.2 : 1
  const k = (x: number): number => Math.max(2, Math.round(x * q))
  const cases: [string, () => Promise<Row | undefined>][] = [
    ['ping-pong 8 B', () => pingPong(t, 'ping-pong 8 B', 8, k(5000), 500)],
    ['ping-pong 1 MB', () => pingPong(t, 'ping-pong 1 MB', MB, k(100), 5)],
    ['ping-pong 16 MB', () => pingPong(t, 'ping-pong 16 MB', 16 * MB, k(10), 1)],
    ['stream 64 B', () => stream(t, 'stream 64 B', 64, k(200_000))],
    ['stream 1 MB', () => stream(t, 'stream 1 MB', MB, k(512))],
    ['stream 16 MB', () => stream(t, 'stream 16 MB', 16 * MB, k(32))],
    ['both ways 1 MB', () => bidirectional(t, 'both ways 1 MB', MB, k(256))],
    ['both ways 16 MB', () => bidirectional(t, 'both ways 16 MB', 16 * MB, k(16))],
  ]
  const out: (Row | { name: string; cpuMs: number })[] = []
  for (const [name, run] of cases) out.push(await measured(t, run, name))
  return out
}

/**
 * The record ciphers alone, in this process (issue #14, step 4: "measure Noise's own cost in
 * isolation"): CPU µs to seal and open one record of the engine's secure transport (AES-256-GCM,
 * transport-tcp-secure.ts, one cipher object per record) and one noise transport message of the node
 * path (ChaCha20-Poly1305 through libp2p-noise's own crypto: AssemblyScript below 1200 B, node:crypto
 * above), and the other AEADs installed here. A 1-element MPC round moves ~100 B per peer;
 * 64 KiB is noise's largest message.
 */
async function aeadCosts(quick: boolean): Promise<Record<string, Record<string, number>>> {
  const { randomBytes } = await import('node:crypto')
  const { RecordSealer, RecordOpener } = await import('../src/engine/transport-tcp-secure.ts')
  const { defaultCrypto, nodeCrypto, asCrypto } = await import('@chainsafe/libp2p-noise/crypto')
  const { chacha20poly1305 } = await import('@noble/ciphers/chacha.js')
  const key = randomBytes(32)
  const none = new Uint8Array(0)
  const nonce = (i: number): Uint8Array => { const n = new Uint8Array(12); new DataView(n.buffer).setUint32(4, i, true); return n }
  const noiseWith = (c: typeof nodeCrypto) => (pt: Uint8Array, i: number): void => {
    const ct = c.chaCha20Poly1305Encrypt(pt, nonce(i), none, key).subarray()
    c.chaCha20Poly1305Decrypt(ct, nonce(i), none, key, ct.subarray(0, ct.length - 16))
  }
  const sealer = new RecordSealer(key)
  const opener = new RecordOpener(key)
  const ciphers: [string, (pt: Uint8Array, i: number) => void][] = [
    ['engine record, AES-256-GCM (node:crypto)', (pt) => { for (const r of [Buffer.concat(sealer.seal([pt]))]) opener.open(r) }],
    ['noise message, libp2p-noise default', noiseWith(defaultCrypto)],
    ['ChaCha20-Poly1305, node:crypto', noiseWith(nodeCrypto)],
    ['ChaCha20-Poly1305, @chainsafe/as-chacha20poly1305', noiseWith(asCrypto)],
    ['ChaCha20-Poly1305, @noble/ciphers', (pt, i) => { const ct = chacha20poly1305(key, nonce(i)).encrypt(pt); chacha20poly1305(key, nonce(i)).decrypt(ct) }],
  ]
  const out: Record<string, Record<string, number>> = {}
  for (const size of [100, 1024, 65_519]) {
    const pt = randomBytes(size)
    const n = Math.max(50, Math.round((quick ? 5e6 : 2e7) / (size + 2000)))
    for (const [name, run] of ciphers) {
      for (let i = 0; i < Math.min(1000, n); i++) run(pt, i) // warm-up (JIT, wasm, cipher tables)
      const c0 = process.cpuUsage()
      for (let i = 0; i < n; i++) run(pt, i)
      const c = process.cpuUsage(c0)
      ;(out[name] ??= {})[`${size} B`] = round((c.user + c.system) / n)
    }
  }
  console.log(`\nRecord ciphers alone: CPU µs to seal + open one record, load average ${loadavg()[0]!.toFixed(1)}`)
  console.table(out)
  return out
}

/**
 * `--inproc tcp-secure|tcp-plain|libp2p [round trips] [bytes]`: ping-pong between two parties in this
 * one process, over the engine's TCP transport or the node path (two libp2p hosts, MpcNetwork
 * sessions: noise + yamux + the MPC stream). Prints the CPU time per round trip of both parties
 * together and the kernel writes per round trip; CPU is what an A/B comparison on a loaded machine
 * can trust (issue #14, step 4; docs/performance.md).
 */
async function inProcessPingPong(kind: string, roundTrips: number, size: number): Promise<void> {
  const transports: Transport[] = []
  const stops: (() => Promise<void>)[] = []
  if (kind === 'libp2p') {
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { createHost } = await import('../src/node/host.ts')
    const { MpcNetwork } = await import('../src/node/mpc-network.ts')
    const hosts = await Promise.all([0, 1].map(async () => createHost({ privateKey: await generateKeyPair('Ed25519') })))
    const nets = hosts.map((h) => new MpcNetwork(h, {}))
    for (const n of nets) await n.start()
    const committee = hosts.map((h) => ({ peerId: h.peerId.toString(), multiaddrs: h.getMultiaddrs().map(String) }))
    transports.push(...nets.map((n) => n.openSession({ session: 'inproc', committee })))
    stops.push(async () => { for (const n of nets) await n.stop(); for (const h of hosts) await h.stop() })
  } else {
    const { listenTcp } = await import('../src/engine/transport-tcp.ts')
    const { generateCommitteeKeys } = await import('../src/engine/transport-tcp-keys.ts')
    const k = generateCommitteeKeys(2)
    const ls = await Promise.all([0, 1].map((i) => listenTcp({ self: i, n: 2, sessionId: 'inproc',
      ...(kind === 'tcp-plain' ? { insecurePlaintext: true } : { keys: { privateKey: k.privateKeys[i]!, publicKeys: k.publicKeys } }) })))
    const peers = ls.map((l) => ({ host: l.host, port: l.port }))
    transports.push(...await Promise.all(ls.map((l) => l.connect(peers, {}))))
    stops.push(async () => { await Promise.all(transports.map((t) => t.close())) })
  }
  const payload = new Uint8Array(size)
  const side = async (t: Transport, tag: string): Promise<void> => {
    for (let i = 0; i < roundTrips; i++) {
      const label = `${tag}${i}`
      if (t.self === 0) { t.send(1, label, payload); await t.receive(1, label) } else t.send(0, label, await t.receive(0, label))
    }
  }
  await Promise.all(transports.map((t) => side(t, 'warm')))
  const { Socket } = await import('node:net')
  const proto = Socket.prototype as unknown as { _writeGeneric: (...a: unknown[]) => unknown }
  const writeGeneric = proto._writeGeneric
  let writes = 0
  proto._writeGeneric = function (this: unknown, ...a: unknown[]) { writes++; return writeGeneric.apply(this, a) }
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  await Promise.all(transports.map((t) => side(t, 'run')))
  const c = process.cpuUsage(c0)
  const ms = performance.now() - t0
  proto._writeGeneric = writeGeneric
  console.log(`${kind} ${size} B: CPU ${round((c.user + c.system) / roundTrips)} µs/round trip, wall ${round((ms * 1000) / roundTrips)} µs, kernel writes ${round(writes / roundTrips)}/round trip, load ${loadavg()[0]!.toFixed(1)}`)
  for (const stop of stops) await stop()
}

async function main(): Promise<void> {
  const inproc = process.argv.indexOf('--inproc')
  if (inproc >= 0) {
    const [kind, trips, size] = process.argv.slice(inproc + 1)
    await inProcessPingPong(kind ?? 'libp2p', Number(trips ?? 3000), Number(size ?? 8))
    process.exit(0)
  }
  const { launchParties } = await import('../src/engine/launch-parties.ts')
  const quick = process.argv.includes('--quick')
  if (process.argv.includes('--aead-only')) { await aeadCosts(quick); return }
  const list = (flag: string, all: string): string[] => {
    const i = process.argv.indexOf(flag)
    return (i >= 0 ? process.argv[i + 1]! : all).split(',')
  }
  const variants: Record<string, (Row & { cpuMsPeer: number })[]> = {}
  for (const security of list('--security', 'secure,plain')) for (const copy of list('--copy', 'copy,zero')) {
    const copyOnSend = copy === 'copy'
    const name = `${security} ${copyOnSend ? 'copyOnSend' : 'zeroCopySend'}`
    const [rows0, rows1] = await launchParties<Row[]>({ n: 2, module: import.meta.url, args: { quick }, copyOnSend, insecurePlaintext: security === 'plain', timeoutMs: 600_000, output: 'inherit' })
    // CPU time per MB moved is the load-independent figure (this machine is shared; wall-clock
    // rates swing with everyone else's work): 1000 / cpu-ms-per-MB is the rate one core sustains.
    const rows = rows0!.map((r, i) => {
      const moved = ((r.frameBytes * r.frames) / MB) * (r.name.startsWith('ping-pong') || r.name.startsWith('both') ? 2 : 1)
      const cpu1 = rows1![i]!.cpuMs ?? 0
      return { ...r, cpuMsPeer: cpu1, cpuMsPerMB: moved >= 1 ? round(Math.max(r.cpuMs ?? 0, cpu1) / moved) : undefined }
    })
    variants[name] = rows
    console.log(`\nTCP transport, 2 processes on loopback, ${name}${quick ? ' (quick)' : ''}, load average ${loadavg()[0]!.toFixed(1)}`)
    console.table(rows.map((r) => ({
      case: r.name, frames: r.frames, 'MB/s': r.mbPerSec ?? '', 'frames/s': r.framesPerSec ?? '',
      'RTT mean µs': r.rttUs?.mean ?? '', 'RTT p50 µs': r.rttUs?.p50 ?? '', 'RTT p99 µs': r.rttUs?.p99 ?? '',
      'CPU ms p0/p1': `${r.cpuMs}/${r.cpuMsPeer}`, 'CPU ms/MB': r.cpuMsPerMB ?? '',
    })))
  }
  const ratios: Record<string, Record<string, number | undefined>> = {}
  for (const copy of ['copyOnSend', 'zeroCopySend']) {
    const sec = variants[`secure ${copy}`]
    const plain = variants[`plain ${copy}`]
    if (!sec || !plain) continue
    ratios[copy] = Object.fromEntries(sec.map((r, i) => {
      const p = plain[i]!
      const v = r.mbPerSec !== undefined && p.mbPerSec ? r.mbPerSec / p.mbPerSec : r.framesPerSec && p.framesPerSec ? r.framesPerSec / p.framesPerSec : undefined
      return [r.name, v === undefined ? undefined : Math.round(v * 100) / 100]
    }))
  }
  if (Object.keys(ratios).length > 0) {
    console.log(`\nsecure / plain throughput, load average ${loadavg()[0]!.toFixed(1)}`)
    console.table(ratios)
  }
  const aeadMicros = await aeadCosts(quick)
  const result = { bench: 'transport-tcp', node: process.version, when: new Date().toISOString(), quick, loadavg: loadavg(), variants, securePerPlain: ratios, aeadMicros }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(new URL('./results/transport.json', import.meta.url), JSON.stringify(result, null, 2) + '\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
