import assert from 'node:assert/strict'
import { ControllerRevertError } from '../errors.ts'

/** Asserts that `promise` rejects with the controller's custom error `errorName` (decoded by viem). */
export async function assertRefused(promise: Promise<unknown>, errorName: string, args?: readonly unknown[]): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof ControllerRevertError, `expected ControllerRevertError ${errorName}, got ${String(e)}`)
    assert.equal(e.code, 'CHAIN_REVERTED')
    assert.equal(e.errorName, errorName)
    if (args) assert.deepEqual(e.args, args)
    return true
  })
}
