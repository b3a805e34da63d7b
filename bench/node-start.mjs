// Start time and memory of a secret node (issue #13 §5): starts `enigma node start` of the source tree
// given (default: this repository; another tree, e.g. an older commit's `git archive`, to compare),
// on a fresh data dir with loopback ports, waits for its ready line (node info on stdout), notes the
// time and the node's resident and peak memory (/proc VmRSS, VmHWM), stops it with SIGTERM and prints
// one JSON line. Linux only (/proc).
//
//   node bench/node-start.mjs [TREE]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
const tree = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'browser-nodebench-'))
const t0 = process.hrtime.bigint()
const child = spawn(process.execPath, [join(tree, 'bin/enigma.mjs'), 'node', 'start', '--data-dir', dir, '--api-port', '0', '--listen', '/ip4/127.0.0.1/tcp/0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_OPTIONS: '' } })
let out = ''
child.stdout.on('data', (b) => {
  out += b
  if (!out.includes('\n')) return
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)[1])
  child.kill('SIGTERM')
  child.on('exit', (code) => {
    rmSync(dir, { recursive: true, force: true })
    console.log(JSON.stringify({ tree, readyMs: Math.round(readyMs), rssMB: +(kb('VmRSS') / 1024).toFixed(1), hwmMB: +(kb('VmHWM') / 1024).toFixed(1), code }))
  })
})
