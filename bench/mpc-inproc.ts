/**
 * A chain of one-value operations with all three parties in ONE process on the engine's memory
 * transport: the protocols' own computation without network, processes or scheduling, for
 * instruction counts that do not depend on the machine's load (docs/performance.md, issue #14):
 *
 *     npx esbuild bench/mpc-inproc.ts --bundle --platform=node --format=esm --outfile=/tmp/inproc.mjs
 *     valgrind --tool=callgrind node --single-threaded /tmp/inproc.mjs lt 20    # and again with 60:
 *     # (instructions at 60 − instructions at 20) / 40 = instructions per comparison, all parties
 *
 * Arguments: `lt` (a 32-bit comparison with its preprocessing) or `mul` (one multiplication: one
 * round), the number of repetitions, and optionally `malicious`. One session, n = 3. `lt@N` / `mul@N`
 * do the same on vectors of N values (e.g. `lt@2048 1` vs `lt@2048 3`: a comparison batch's CPU
 * floor, square roots and PRSS included; `mul@100000`: a long multiplication with its PRSS doubles).
 */
import { createMemoryNetwork } from '../src/engine/transport-memory.ts'
import { getField } from '../src/field/index.ts'
import { comparisonNeeds, createSession, inputMany, lt, mul, preprocess, type SecurityMode } from '../src/protocols/index.ts'

const [op, size] = (process.argv[2] ?? 'lt').split('@') as [string, string | undefined]
const len = Number(size ?? 1)
const reps = Number(process.argv[3] ?? 50)
const security: SecurityMode = process.argv[4] === 'malicious' ? 'malicious' : 'semi-honest'
const n = 3
const f = getField('p61')
const transports = createMemoryNetwork(n, { timeoutMs: 600_000 })
const cpu0 = process.cpuUsage()
await Promise.all(transports.map(async (transport) => {
  const s = createSession({ field: f, n, t: 1, transport, security, timeoutMs: 600_000 })
  const [x, y] = await inputMany(s, [
    { dealer: 0, values: s.self === 0 ? f.fromUint32(Array.from({ length: len }, (_, i) => (5 + i * 2654435761) >>> 0)) : null, length: len },
    { dealer: 1, values: s.self === 1 ? f.fromUint32(Array.from({ length: len }, (_, i) => (7 + i * 40503) >>> 0)) : null, length: len },
  ])
  for (let i = 0; i < reps; i++) {
    if (op === 'lt') {
      await preprocess(s, comparisonNeeds(s, len))
      await lt(s, x!, y!, { bits: 32 })
    } else await mul(s, x!, y!)
  }
}))
const cpu = process.cpuUsage(cpu0)
await Promise.all(transports.map((t) => t.close()))
console.log(`${op}@${len} ${security} n=${n}: ${reps} reps, CPU ${((cpu.user + cpu.system) / reps).toFixed(0)} µs per rep (all parties, incl. warm-up)`)
