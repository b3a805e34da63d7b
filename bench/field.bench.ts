/**
 * Field kernel throughput: M elements/s of each vector operation over 1M-element vectors, for both
 * fields and both kernels (median of several runs, after a warm-up). Writes
 * bench/results/field.json as [{ field, kernel, op, n, mOpsPerSec }] and prints a table.
 *
 *   npm run bench:field            (or: node --import tsx --import ./src/common/polyfill.mjs bench/field.bench.ts)
 *   FIELD_BENCH_N=100000 FIELD_BENCH_RUNS=3 npm run bench:field     (quicker)
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createField, referenceP61, referenceP127, seededRandom, type Field } from '../src/field/index.ts'

const N = Number(process.env.FIELD_BENCH_N ?? 1_000_000)
const RUNS = Number(process.env.FIELD_BENCH_RUNS ?? 7)

interface BenchRecord { field: string; kernel: string; op: string; n: number; mOpsPerSec: number }
const records: BenchRecord[] = []

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** Median seconds of `runs` calls of f, after one warm-up call. */
function time(f: () => void, runs = RUNS): number {
  f()
  const ts: number[] = []
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    f()
    ts.push((performance.now() - t0) / 1000)
  }
  return median(ts)
}

function record(field: string, kernel: string, op: string, n: number, seconds: number): void {
  const mOpsPerSec = Math.round((n / seconds / 1e6) * 10) / 10
  records.push({ field, kernel, op, n, mOpsPerSec })
  console.log(`${field.padEnd(5)} ${kernel.padEnd(9)} ${op.padEnd(14)} ${String(n).padStart(8)}  ${mOpsPerSec.toFixed(1).padStart(8)} M/s`)
}

function benchField(F: Field, n: number, runs = RUNS): void {
  const seed = new Uint8Array(32).fill(7)
  const a = F.random(n, seededRandom(seed)), b = F.random(n), c = F.random(n)
  const out = F.zeros(n)
  const y = F.random(n)
  const s = F.get(c, 0)
  const enc = F.encode(a)
  const k = F.kernel
  const ops: [string, () => void][] = [
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
    record(F.name, k, op, n, time(f, runs) / (op === 'lincomb(4)' ? 4 : 1))
  }
}

console.log(`field kernels, n = ${N}, median of ${RUNS} runs (M elements/s)`)
for (const name of ['p61', 'p127'] as const) {
  for (const kernel of ['wasm', 'js'] as const) benchField(createField(name, { kernel }), N)
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
  const sec = time(() => seededRandom(new Uint8Array(32))(bytes), 5)
  const mbps = Math.round(bytes.length / sec / 1e6)
  records.push({ field: '-', kernel: 'js', op: 'seededRandom MB/s', n: bytes.length, mOpsPerSec: mbps })
  console.log(`seededRandom (ChaCha20, pure JS): ${mbps} MB/s`)
}

const outPath = join(dirname(fileURLToPath(import.meta.url)), 'results', 'field.json')
mkdirSync(dirname(outPath), { recursive: true })
writeFileSync(outPath, JSON.stringify(records, null, 2) + '\n')
console.log(`wrote ${outPath}`)
