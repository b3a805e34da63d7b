/** `enigma submit --record`: flag parsing, the task's slots when records fill inputs or elements, the file's remaining values. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compileContract } from '../../lang/index.ts'
import bureau from '../../../examples/credit-bureau.ts'
import { isEnigmaError } from '../../common/errors.ts'
import { freshSlotValues, parseRecordFlags, taskSlots } from './submit-records.ts'

const id = (k: number) => `0x${k.toString(16).padStart(64, '0')}` as const
const { circuit } = compileContract(bureau, { applicants: 3 })

test('--record <input>=<recordId>: inputs and elements, refused when malformed, doubled or naming nothing', () => {
  assert.deepEqual(parseRecordFlags([`people[1]=${id(1)}`, `policy=${id(2).toUpperCase().replace('0X', '0x')}`], 'u'), { 'people[1]': id(1), policy: id(2) })
  for (const bad of ['people[1]', `=${id(1)}`, 'people[1]=0x12', `1x=${id(1)}`]) {
    assert.throws(() => parseRecordFlags([bad], 'u'), (e: unknown) => isEnigmaError(e, 'CLI_USAGE'), bad)
  }
  assert.throws(() => parseRecordFlags([`policy=${id(1)}`, `policy=${id(2)}`], 'u'), /twice/)
  assert.throws(() => taskSlots(circuit, { income: id(1) }, 'u'), /no such input|no input/)
  assert.throws(() => taskSlots(circuit, { 'people[3]': id(1) }, 'u'), /no element 3/)
  assert.throws(() => taskSlots(circuit, { people: id(1), 'people[0]': id(2) }, 'u'), /both 'people' and its element/)
})

test('an element taken from a record splits its array input into element slots; the file fills the rest', () => {
  assert.deepEqual(taskSlots(circuit, {}, 'u'), ['people', 'policy'])
  const records = { 'people[1]': id(1) }
  const slots = taskSlots(circuit, records, 'u')
  assert.deepEqual(slots, ['people[0]', 'people[1]', 'people[2]', 'policy'])
  const file = { people: [{ income: 1, debts: 2 }, null, { income: 5, debts: 6 }], policy: { minIncome: 3, maxDebtPercent: 40 } }
  const fresh = freshSlotValues(circuit, slots, records, file, 'in.json')
  assert.deepEqual([...fresh.keys()], ['people[0]', 'people[2]', 'policy'])
  assert.deepEqual(fresh.get('people[2]'), { income: 5, debts: 6 })
  // A value the file lacks (or of the wrong type) is one clear error before anything goes on chain.
  assert.throws(() => freshSlotValues(circuit, slots, records, { people: file.people }, 'in.json'), (e: unknown) => isEnigmaError(e))
  assert.throws(() => freshSlotValues(circuit, slots, records, { ...file, policy: { minIncome: 3, maxDebtPercent: 101 } }, 'in.json'), (e: unknown) => isEnigmaError(e))
})
