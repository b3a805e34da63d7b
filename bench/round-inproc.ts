/**
 * The `round` chain of bench:mpc (one-element multiplications, one round each, n = 3) with all three
 * parties in ONE process, over a real transport: the engine's TCP (secure or plain) on loopback
 * sockets, the node path (three libp2p hosts, MpcNetwork sessions), or the memory transport. One
 * process takes scheduling across processes out, so the CPU per round is what the code costs, and
 * under callgrind the instruction count is deterministic enough for A/B (issue #14, night session):
 *
 *     npx esbuild bench/round-inproc.ts --bundle --platform=node --format=esm --outfile=/tmp/round.mjs \
 *       "--banner:js=import { createRequire } from 'module'; const require = createRequire(import.meta.url);"
 *     valgrind --tool=callgrind node --single-threaded /tmp/round.mjs tcp-secure 100 semi-honest 1000
 *     # and again with 600 rounds: (instructions at 600 − at 100) / 500 = instructions per round, all
 *     # parties, after a warm-up (1000) long enough that the JIT's compilations fall outside the difference
 *
 * Arguments: `tcp-secure` | `tcp-plain` | `libp2p` | `memory`, the number of rounds, `semi-honest` or
 * `malicious`, the rounds of warm-up (50). Prints CPU µs per round of all three parties.
 */
import '../src/common/polyfill.mjs' // first: libp2p needs Promise.withResolvers (Node 20)
import { loadavg } from 'node:os'
import type { Transport } from '../src/protocols/transport.ts'
import { getField } from '../src/field/index.ts'
import { createSession, inputMany, mul, type SecurityMode } from '../src/protocols/index.ts'

const kind = process.argv[2] ?? 'tcp-secure'
const rounds = Number(process.argv[3] ?? 1000)
const security: SecurityMode = process.argv[4] === 'malicious' ? 'malicious' : 'semi-honest'
const n = 3
const WARMUP = Number(process.argv[5] ?? 50)

async function transportsOf(kind: string): Promise<{ transports: Transport[]; stop: () => Promise<void> }> {
  if (kind === 'memory') {
    const { createMemoryNetwork } = await import('../src/engine/transport-memory.ts')
    const transports = createMemoryNetwork(n, { timeoutMs: 600_000 })
    return { transports, stop: async () => { await Promise.all(transports.map((t) => t.close())) } }
  }
  if (kind === 'libp2p') {
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { createHost } = await import('../src/node/host.ts')
    const { MpcNetwork } = await import('../src/node/mpc-network.ts')
    const hosts = await Promise.all(Array.from({ length: n }, async () => createHost({ privateKey: await generateKeyPair('Ed25519') })))
    const nets = hosts.map((h) => new MpcNetwork(h, {}))
    for (const net of nets) await net.start()
    const committee = hosts.map((h) => ({ peerId: h.peerId.toString(), multiaddrs: h.getMultiaddrs().map(String) }))
    const transports = nets.map((net) => net.openSession({ session: 'round', committee }))
    return { transports, stop: async () => { for (const net of nets) await net.stop(); for (const h of hosts) await h.stop() } }
  }
  const { listenTcp } = await import('../src/engine/transport-tcp.ts')
  const { generateCommitteeKeys } = await import('../src/engine/transport-tcp-keys.ts')
  const k = generateCommitteeKeys(n)
  const ls = await Promise.all(Array.from({ length: n }, (_, i) => listenTcp({ self: i, n, sessionId: 'round', receiveTimeoutMs: 600_000,
    ...(kind === 'tcp-plain' ? { insecurePlaintext: true } : { keys: { privateKey: k.privateKeys[i]!, publicKeys: k.publicKeys } }) })))
  const peers = ls.map((l) => ({ host: l.host, port: l.port }))
  const transports = await Promise.all(ls.map((l) => l.connect(peers, {})))
  return { transports, stop: async () => { await Promise.all(transports.map((t) => t.close())) } }
}

const f = getField('p61')
const { transports, stop } = await transportsOf(kind)
let c0 = process.cpuUsage()
let t0 = performance.now()
await Promise.all(transports.map(async (transport) => {
  const s = createSession({ field: f, n, t: 1, transport, security, timeoutMs: 600_000 })
  const [x, y] = await inputMany(s, [
    { dealer: 0, values: s.self === 0 ? f.fromBigInts([5n]) : null, length: 1 },
    { dealer: 1, values: s.self === 1 ? f.fromBigInts([7n]) : null, length: 1 },
  ])
  let z = x!
  for (let i = 0; i < WARMUP; i++) z = await mul(s, z, y!)
  // Everyone leaves the warm-up in the same round (the chain is all-to-all), within microseconds.
  if (s.self === 0) { c0 = process.cpuUsage(); t0 = performance.now() }
  for (let i = 0; i < rounds; i++) z = await mul(s, z, y!)
}))
const c = process.cpuUsage(c0)
const ms = performance.now() - t0
await stop()
console.log(`${kind} ${security} n=${n}: CPU ${((c.user + c.system) / rounds).toFixed(1)} µs/round (all parties), wall ${((ms * 1000) / rounds).toFixed(1)} µs/round, load ${loadavg()[0]!.toFixed(1)}`)
process.exit(0)
