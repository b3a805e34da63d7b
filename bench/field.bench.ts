/**
 * Field kernel throughput: M elements/s of each vector operation over 1M-element vectors, for both
 * fields and both kernels (median of several runs, after a warm-up). Writes
 * bench/results/field.json as [{ field, kernel, op, n, mOpsPerSec, cpuMOpsPerSec }] and prints a table.
 * `mOpsPerSec` is from wall-clock time; `cpuMOpsPerSec` from this process's CPU time, which is the
 * steadier number on a shared machine (other processes stretch wall time, not CPU time).
 * random/encode/decode allocate their result, so they include first-touch page faults of a fresh
 * 8–16 MB buffer.
 *
 *   npm run bench:field            (or: node --import tsx --import ./src/common/polyfill.mjs bench/field.bench.ts)
 *   FIELD_BENCH_N=100000 FIELD_BENCH_RUNS=3 npm run bench:field     (quicker)
 *   FIELD_BENCH_FIELDS=p61 FIELD_BENCH_KERNELS=wasm npm run bench:field (a subset)
 */
import { createCipheriv } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createField, referenceP61, referenceP127, seededRandom, type Field } from '../src/field/index.ts'

const N = Number(process.env.FIELD_BENCH_N ?? 1_000_000)
const RUNS = Number(process.env.FIELD_BENCH_RUNS ?? 7)

interface BenchRecord { field: string; kernel: string; op: string; n: number; mOpsPerSec: number; cpuMOpsPerSec?: number }
const records: BenchRecord[] = []

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/**
 * Median wall-clock and CPU seconds of `runs` calls of f, after three warm-up calls (V8 first runs
 * wasm with its baseline compiler and tiers hot functions up to TurboFan in the background).
 */
function time(f: () => void, runs = RUNS): { wall: number; cpu: number } {
  for (let w = 0; w < 3; w++) f()
  const wall: number[] = [], cpu: number[] = []
  for (let r = 0; r < runs; r++) {
    const c0 = cpuSeconds()
    const t0 = performance.now()
    f()
    wall.push((performance.now() - t0) / 1000)
    cpu.push(cpuSeconds() - c0)
  }
  return { wall: median(wall), cpu: median(cpu) }
}

const rate = (n: number, s: number): number => Math.round((n / s / 1e6) * 10) / 10

function record(field: string, kernel: string, op: string, n: number, t: { wall: number; cpu: number }, per = 1): void {
  const mOpsPerSec = rate(n * per, t.wall)
  const cpuMOpsPerSec = rate(n * per, t.cpu)
  records.push({ field, kernel, op, n, mOpsPerSec, cpuMOpsPerSec })
  console.log(`${field.padEnd(5)} ${kernel.padEnd(9)} ${op.padEnd(14)} ${String(n).padStart(8)}  ${mOpsPerSec.toFixed(1).padStart(8)}  ${cpuMOpsPerSec.toFixed(1).padStart(8)}`)
}

function benchField(F: Field, n: number, runs = RUNS): void {
  const seed = new Uint8Array(32).fill(7)
  const a = F.random(n, seededRandom(seed)), b = F.random(n), c = F.random(n)
  const out = F.zeros(n)
  const y = F.random(n)
  const s = F.get(c, 0)
  const enc = F.encode(a)
  const k = F.kernel
  // A square root x^((p+1)/4) = x^(2^(bits−2)): one sqrPow2k pass, against the 2048-element blocks of
  // bits − 2 `mul` calls each that powVector used before (issue #14). Both count one element per root.
  const k2 = F.bits - 2
  const blocks = Array.from({ length: Math.ceil(n / 2048) }, (_, i) => F.view(out, i * 2048, Math.min(n, (i + 1) * 2048)))
  const sqrtByMul = (): void => {
    out.set(a)
    for (const blk of blocks) for (let j = 0; j < k2; j++) F.mul(blk, blk, blk)
  }
  // PRSS's sampling: a stream vector accumulated into y, fused (randomAxpy) and unfused (random + axpy),
  // on an AES-256-CTR stream as PRSS uses (the PRG's own cost is in both).
  const aes = createCipheriv('aes-256-ctr', new Uint8Array(32).fill(3), new Uint8Array(16))
  const stream = (bytes: Uint8Array): void => {
    bytes.fill(0)
    bytes.set(aes.update(bytes))
  }
  const ops: [string, () => void][] = [
    ['sqrt(sqrPow2k)', () => F.sqrPow2k(a, k2, out)],
    ['sqrt(mul×k)', sqrtByMul],
    ['randomAxpy', () => F.randomAxpy(s, y, stream)],
    ['random+axpy', () => F.axpy(s, F.random(n, stream), y)],
    ['add', () => F.add(a, b, out)],
    ['sub', () => F.sub(a, b, out)],
    ['mul', () => F.mul(a, b, out)],
    ['muladd', () => F.muladd(a, b, c, out)],
    ['axpy', () => F.axpy(s, a, y)],
    ['scale', () => F.scale(a, s, out)],
    ['lincomb(4)', () => F.lincomb([s, 2n, 3n, 5n], [a, b, c, y], out)],
    ['dot', () => F.dot(a, b)],
    ['sum', () => F.sum(a)],
    ['inv', () => F.inv(a, out)],
    ['random', () => F.random(n)],
    ['random(seeded)', () => F.random(n, seededRandom(seed))],
    ['encode', () => F.encode(a)],
    ['decode', () => F.decode(enc)],
  ]
  for (const [op, f] of ops) {
    // lincomb(4) counts element-coefficient products (4 per output element)
    record(F.name, k, op, n, time(f, runs), op === 'lincomb(4)' ? 4 : 1)
  }
}

console.log(`field kernels, n = ${N}, median of ${RUNS} runs; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`)
console.log('field kernel    op                    n  wall M/s   cpu M/s')
const FIELDS = (process.env.FIELD_BENCH_FIELDS ?? 'p61,p127').split(',') as ('p61' | 'p127')[]
const KERNELS = (process.env.FIELD_BENCH_KERNELS ?? 'wasm,js').split(',') as ('wasm' | 'js')[]
// Allocation warm-up: the first few frees of large buffers raise the C allocator's mmap threshold,
// after which big results are recycled instead of page-faulted in; without this, whichever kernel
// runs first pays for fresh pages in random/encode and looks several times slower.
for (let i = 0; i < 20; i++) {
  const F = createField('p127', { kernel: 'js' })
  F.decode(F.encode(F.random(N)))
}
for (const name of FIELDS) {
  for (const kernel of KERNELS) benchField(createField(name, { kernel }), N)
}
// The BigInt reference as a baseline (fewer elements and runs: it is slow).
for (const ref of [referenceP61, referenceP127]) {
  const n = Math.min(N, 200_000)
  const a = ref.random(n), b = ref.random(n), c = ref.random(n)
  record(ref.name, 'reference', 'mul', n, time(() => ref.mul(a, b), 3))
  record(ref.name, 'reference', 'muladd', n, time(() => ref.muladd(a, b, c), 3))
}
{
  const bytes = new Uint8Array(16 << 20)
  const t = time(() => seededRandom(new Uint8Array(32))(bytes), 5)
  const mbps = Math.round(bytes.length / t.wall / 1e6), cpuMbps = Math.round(bytes.length / t.cpu / 1e6)
  records.push({ field: '-', kernel: 'js', op: 'seededRandom MB/s', n: bytes.length, mOpsPerSec: mbps, cpuMOpsPerSec: cpuMbps })
  console.log(`seededRandom (ChaCha20, pure JS): ${mbps} MB/s wall, ${cpuMbps} MB/s cpu`)
}

const outPath = join(dirname(fileURLToPath(import.meta.url)), 'results', 'field.json')
mkdirSync(dirname(outPath), { recursive: true })
writeFileSync(outPath, JSON.stringify(records, null, 2) + '\n')
console.log(`wrote ${outPath}`)
