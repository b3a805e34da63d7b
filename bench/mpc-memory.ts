/**
 * Peak memory of one benchmark party while a measurement runs (issue #14, step 3: `bench:mpc` must
 * report each party's peak memory). `process.memoryUsage()` is sampled every few milliseconds (timers
 * run between the protocol's rounds, and once more at the end), because the OS's `maxRSS` is the
 * peak of the whole process life, not of one measurement; `maxRssMiB` (that lifetime peak, from
 * `process.resourceUsage()`) is reported too. Field vectors live outside the JS heap (typed array
 * backing stores), so `arrayBuffersMiB` is where long vectors show; `heapMiB` is the JS heap proper.
 */
export interface MemoryPeak {
  /** Peak resident set size sampled during the measurement. */
  readonly rssMiB: number
  /** Peak V8 heap in use. */
  readonly heapMiB: number
  /** Peak memory of ArrayBuffers (field vectors, frames). */
  readonly arrayBuffersMiB: number
  /** The process's peak resident set size so far (lifetime, from the OS). */
  readonly maxRssMiB: number
}

const MiB = 1024 * 1024
const SAMPLE_MS = 5

/**
 * Starts sampling every `sampleMs` (default SAMPLE_MS); the returned function stops and gives the
 * peaks. Latency cases pass a longer interval: their peak is the process's baseline, and a sampling
 * timer every few milliseconds lands between the rounds it is meant not to disturb.
 */
export function trackMemory(sampleMs = SAMPLE_MS): () => MemoryPeak {
  let rss = 0
  let heap = 0
  let buffers = 0
  const sample = (): void => {
    const m = process.memoryUsage()
    rss = Math.max(rss, m.rss)
    heap = Math.max(heap, m.heapUsed)
    buffers = Math.max(buffers, m.arrayBuffers)
  }
  sample()
  const timer = setInterval(sample, sampleMs)
  timer.unref()
  return () => {
    clearInterval(timer)
    sample()
    const round = (b: number): number => Math.round(b / MiB)
    // resourceUsage().maxRSS is in KiB.
    return { rssMiB: round(rss), heapMiB: round(heap), arrayBuffersMiB: round(buffers), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }
  }
}
