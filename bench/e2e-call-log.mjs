/**
 * `bench:e2e --profile DIR` (bench/e2e.bench.ts): logs every `fetch` this process makes — the chain's
 * JSON-RPC (viem's http transport) and the nodes' client API (the SDK) — as one line per call:
 * start time, duration, and what it was (the JSON-RPC method, `eth_call:<selector>` for calls, or
 * `api:<METHOD> <path shape>`). Loaded into a node process with `--import` (the devnet's nodes) or
 * imported by the bench itself; writes `DIR/calls-<pid>.jsonl` at exit. Benchmark tooling only.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.env.ENIGMA_E2E_CALL_LOG
if (dir && !globalThis.__enigmaCallLog) {
  const calls = []
  globalThis.__enigmaCallLog = calls
  const original = globalThis.fetch
  const label = (url, init) => {
    const path = new URL(String(url instanceof Request ? url.url : url)).pathname
    if (path.startsWith('/v1/')) return `api:${init?.method ?? 'GET'} ${path.replace(/0x[0-9a-fA-F]+/g, '{id}').replace(/inputs\/[^/]+$/, 'inputs/{slot}').replace(/proof\/\d+$/, 'proof/{slot}')}`
    let body
    try { body = JSON.parse(String(init?.body ?? '')) } catch { return `http:${path}` }
    const one = (r) => (r.method === 'eth_call' ? `eth_call:${String(r.params?.[0]?.data ?? r.params?.[0]?.input ?? '').slice(0, 10)}` : r.method)
    return Array.isArray(body) ? body.map(one).join('+') : one(body)
  }
  globalThis.fetch = async (url, init) => {
    const t = Date.now()
    const what = (() => { try { return label(url, init) } catch { return 'unknown' } })()
    try {
      return await original(url, init)
    } finally {
      calls.push([t, Date.now() - t, what])
    }
  }
  process.on('exit', () => {
    writeFileSync(join(dir, `calls-${process.pid}.jsonl`), calls.map((c) => JSON.stringify(c)).join('\n') + '\n')
  })
}
