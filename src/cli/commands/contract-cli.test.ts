/**
 * `enigma compile` and `enigma run` as a user runs them (the bin, a child process): output shapes,
 * and one clear line with a non-zero exit for every kind of wrong input.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseContractArgs, committee } from './compile.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'enigma-cli-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

function enigma(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/enigma.mjs', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

test('compile --json prints the cost report', () => {
  const r = enigma('compile', 'examples/vickrey-auction.ts', '--param', 'bidders=8', '--json')
  assert.equal(r.code, 0, r.err)
  const cost = JSON.parse(r.out)
  assert.equal(cost.contract, 'vickrey-auction')
  assert.deepEqual(cost.params, { bidders: 8 })
  assert.equal(cost.field, 'p61')
  for (const k of ['multiplications', 'comparisons', 'randomBits', 'rounds', 'bytesPerParty']) assert.equal(typeof cost[k], 'number', k)
  assert.match(cost.codeHash, /^0x[0-9a-f]{64}$/)
})

test('run --json prints {outputs, cost, stats}', () => {
  const inputs = file('m.json', JSON.stringify({ alice: 4294967295, bob: 7 }))
  const r = enigma('run', 'examples/millionaires.ts', '--inputs', inputs, '--json', '--security', 'malicious', '--nodes', '3', '--threshold', '1')
  assert.equal(r.code, 0, r.err)
  const o = JSON.parse(r.out)
  assert.deepEqual(o.outputs, { aliceRicher: true, equal: false })
  assert.equal(o.cost.contract, 'millionaires')
  assert.deepEqual(Object.keys(o.stats).sort(), ['bytesPerParty', 'rounds', 'wallMs'])
})

function badContract(): string {
  // A module directory (type: module) so the contract loads as ESM from the temp dir.
  file('package.json', '{"type":"module"}')
  const lang = join(root, 'src/lang/index.ts')
  return file('bad.ts', `import { defineContract, reveal, uint32 } from ${JSON.stringify(lang)}
export default defineContract({
  name: 'bad', inputs: { a: uint32, b: uint32 },
  compute: ({ a, b }) => {
    let x = a
    if (a.gt(b)) x = b
    return { x: reveal(x) }
  },
})
`)
}

test('wrong input: one clear line naming what and where, non-zero exit, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['run', 'examples/millionaires.ts', '--inputs', file('neg.json', '{"alice": -1, "bob": 2}')], /neg\.json: alice: -1 is out of range for uint32/],
    [['run', 'examples/millionaires.ts', '--inputs', file('unk.json', '{"alice": 1, "bob": 2, "eve": 3}')], /eve: unknown input/],
    [['run', 'examples/millionaires.ts', '--inputs', file('bad.json', '{"alice": 1,')], /bad\.json: malformed JSON/],
    [['run', 'examples/vickrey-auction.ts', '-p', 'bidders=3', '--inputs', file('len.json', '{"bids": [1, 2]}')], /bids: expected an array of length 3, got length 2/],
    [['run', 'examples/vickrey-auction.ts', '--inputs', file('v.json', '{"bids": [1, 2]}')], /param bidders: missing/],
    [['compile', 'examples/nope.ts'], /contract file not found/],
    [['compile', badContract()], /LANG_SECRET_CONDITION: .*bad\.ts:6:\d+: `if \(a\.gt\(b\)\)` tests a secret sbool.*select\(c, a, b\)/],
  ]
  for (const [args, re] of cases) {
    const r = enigma(...args)
    assert.notEqual(r.code, 0, args.join(' '))
    assert.match(r.err, re, args.join(' '))
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`)
    assert.doesNotMatch(r.err, /\n\s+at /)
  }
})

test('flag checks (in process): threshold, security, transport, params', () => {
  assert.throws(() => committee(parseContractArgs(['x.ts', '--nodes', '4', '--threshold', '2'], '')), /1 ≤ t < nodes\/2/)
  assert.throws(() => committee(parseContractArgs(['x.ts', '--nodes', '2'], '')), /at least 3/)
  assert.throws(() => parseContractArgs(['x.ts', '--security', 'paranoid'], ''), /semi-honest or malicious/)
  assert.throws(() => parseContractArgs(['x.ts', '--param', 'oops'], ''), /name=value/)
  assert.throws(() => parseContractArgs(['x.ts', '--bogus'], ''), /unknown option --bogus/)
  assert.throws(() => parseContractArgs([], ''), /missing <contract.ts>/)
  const a = parseContractArgs(['x.ts', '-p', 'n=3', '--param=m=4', '--nodes=7', '--inputs', 'i.json'], '', ['--inputs'])
  assert.deepEqual([a.params, a.nodes, a.extra], [{ n: '3', m: '4' }, 7, { '--inputs': 'i.json' }])
  assert.deepEqual(committee(a), { nodes: 7, threshold: 3 })
})

test('submit --target/--corrupt: the planner picks the committee size; misuse is one clear line', () => {
  const inputs = file('t.json', JSON.stringify({ alice: 1, bob: 2 }))
  const alone = enigma('submit', 'examples/millionaires.ts', '--inputs', inputs, '--target', '1e-9')
  assert.notEqual(alone.code, 0)
  assert.match(alone.err, /CLI_USAGE: --target and --corrupt go together/)
  const both = enigma('submit', 'examples/millionaires.ts', '--inputs', inputs, '--target', '1e-9', '--corrupt', '0.1', '--nodes', '5')
  assert.match(both.err, /CLI_USAGE: pass --target\/--corrupt or --nodes\/--threshold, not both/)
  const bad = enigma('submit', 'examples/millionaires.ts', '--inputs', inputs, '--target', '2', '--corrupt', '0.1')
  assert.match(bad.err, /CLI_USAGE: --target must be a probability in \(0, 1\)/)
})

test('submit --recipient NAME=KEY: a malformed key is one clear line, before anything goes on chain', () => {
  const inputs = file('r.json', JSON.stringify({ alice: 1, bob: 2 }))
  const bad = enigma('submit', 'examples/millionaires.ts', '--inputs', inputs, '--recipient', 'advisor=0x1234')
  assert.notEqual(bad.code, 0)
  assert.match(bad.err, /CLI_USAGE: --recipient expects NAME=0x<32-byte X25519 public key>, got 'advisor=0x1234'/)
})
