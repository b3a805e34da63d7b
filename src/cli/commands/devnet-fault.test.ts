/**
 * The fault switch on the command line (issue #12, item 1): `enigma devnet up --fault i=behaviour`
 * only; `enigma node start` and the other devnet subcommands refuse it.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseNodeFlags } from './node.ts'
import { devnetCommand, parseDevnetFlags } from './devnet.ts'

test('--fault: parsed for devnet up, refused by node start, devnet demo and bad values', async () => {
  assert.deepEqual(parseDevnetFlags(['--fault', '1=silent', '--fault', '3=crash']).faults, [{ index: 1, behaviour: 'silent' }, { index: 3, behaviour: 'crash' }])
  assert.throws(() => parseDevnetFlags(['--fault', '1=nope']), { code: 'CLI_USAGE' })
  assert.throws(() => parseNodeFlags(['--fault', 'alter-mul']), { code: 'CLI_USAGE' })
  await assert.rejects(devnetCommand.run(['demo', '--fault', '1=silent']), { code: 'CLI_USAGE' })
})
