/** `enigma store|grant|revoke|delete|records`: usage mistakes are one `CLI_USAGE` line and exit 1, before any chain call. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { main } from '../main.ts'

async function enigma(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = []
  const { log, error } = console
  console.log = () => {}
  console.error = (...a: unknown[]) => { err.push(a.join(' ')) }
  try {
    // No devnet state file: a command that got past its own checks would fail with DEVNET_NOT_RUNNING.
    return { code: await main([...args, '--state', '/nonexistent/devnet.json']), err: err.join('\n') }
  } finally {
    Object.assign(console, { log, error })
  }
}

const ID = `0x${'ab'.repeat(32)}`

test('usage errors of the record commands', async () => {
  const cases: [string[], RegExp][] = [
    [['store', '--value', '1'], /missing --type/],
    [['store', '--type', 'uint32'], /missing --value/],
    [['store', '--type', 'uint32', '--value', '{nope'], /--value must be JSON/],
    [['store', '--type', 'float', '--value', '1'], /RECORD_TYPE_INVALID: --type 'float': unknown type 'float'/],
    [['store', '--type', 'uint32', '--value', '1', '--field', 'p89'], /--field must be p61 or p127/],
    [['grant', ID], /missing --contract/],
    [['grant', '0x12', '--contract', ID], /record id must be 0x \+ 64 hex digits/],
    [['grant', ID, '--contract', ID, '--uses', '0'], /--uses must be an integer ≥ 1/],
    [['grant', ID, '--contract', ID, '--to', 'bob'], /--to must be an address/],
    [['grant', ID, '--contract', ID, '--param', 'n=3'], /--param goes with a contract file/],
    [['revoke'], /missing <recordId>/],
    [['delete', ID, ID], /unexpected argument/],
    [['records', '--owner', '0x1'], /--owner must be an address/],
  ]
  for (const [args, re] of cases) {
    const r = await enigma(...args)
    assert.equal(r.code, 1, args.join(' '))
    assert.match(r.err, re, args.join(' '))
    assert.equal(r.err.trim().split('\n').length, 1, r.err)
  }
  // Past its own checks, a command looks for the chain.
  const r = await enigma('records')
  assert.match(r.err, /DEVNET_NOT_RUNNING/)
})
