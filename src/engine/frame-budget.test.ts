/**
 * The receive budget's reading of a label's program counter (`<tag>#<pc>`), which is hand-written for
 * speed (issue #14): it must agree with the plain regular expression it replaced on every label.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { labelCounter, ReceiveBudget } from './frame-budget.ts'

const byRegExp = (label: string): number | undefined => {
  const m = /#(\d{1,15})$/.exec(label)
  return m ? Number(m[1]) : undefined
}

test('labelCounter agrees with /#(\\d{1,15})$/ on chosen and random labels', () => {
  for (const l of ['', '#', 'a#', 'mul#0', 'mul#007', 'p/mul#12', 'x#123456789012345', 'x#1234567890123456', 'a#1#2', 'a#1b', '12', '# 1', 'é#5', 'a##9']) {
    assert.equal(labelCounter(l), byRegExp(l), JSON.stringify(l))
  }
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom('#', '0', '1', '9', 'a', '/', ' ') }), (l) => labelCounter(l) === byRegExp(l)), { numRuns: 5000 })
  fc.assert(fc.property(fc.string(), (l) => labelCounter(l) === byRegExp(l)), { numRuns: 2000 })
})

test('a label far ahead of every label we noted is refused, also when the same label is noted again', () => {
  const b = new ReceiveBudget(2, { bytesPerSender: 1 << 20, bytesPerSession: 1 << 20, labelsAhead: 10 })
  b.note('mul#5')
  b.note('mul#5')
  assert.equal(b.admit(1, 'mul#15', 8).ok, true)
  assert.equal(b.admit(1, 'mul#16', 8).ok, false)
  b.note('mul#6')
  assert.equal(b.admit(1, 'mul#16', 8).ok, true)
})
