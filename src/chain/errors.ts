/**
 * Errors of the chain layer. A refusal by the controller (a Solidity custom error) becomes a
 * `ControllerRevertError` whose `errorName` is the Solidity error's name (e.g. "InsufficientFee") and
 * whose `args` are its decoded arguments; the code `CHAIN_REVERTED` is stable.
 */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from 'viem'
import { enigmaControllerAbi } from './generated/EnigmaController.ts'
import { EnigmaError } from '../common/errors.ts'

export class ControllerRevertError extends EnigmaError {
  override name = 'ControllerRevertError'
  /** Name of the Solidity custom error, or "Unknown" when the revert could not be decoded. */
  readonly errorName: string
  readonly args: readonly unknown[]
  constructor(fn: string, errorName: string, args: readonly unknown[], cause: unknown) {
    super('CHAIN_REVERTED', `${fn}: the controller refused with ${errorName}`, {
      details: args.length > 0 ? `arguments: ${args.map((a) => String(a)).join(', ')}` : undefined,
      meta: { function: fn, errorName },
      docsPath: 'controller.md',
      cause,
    })
    this.errorName = errorName
    this.args = args
  }
}

/** The RPC call failed for a reason other than a decoded revert (node down, bad params, mined but reverted). */
export class ChainRequestError extends EnigmaError {
  override name = 'ChainRequestError'
  constructor(fn: string, what: string, cause?: unknown) {
    super('CHAIN_REQUEST_FAILED', `${fn}: ${what}`, { cause, meta: { function: fn } })
  }
}

/** Something read from the chain contradicts what the controller guarantees (e.g. params hash mismatch). */
export class ChainDataError extends EnigmaError {
  override name = 'ChainDataError'
  constructor(fn: string, what: string) {
    super('CHAIN_BAD_DATA', `${fn}: ${what}`, { meta: { function: fn } })
  }
}

/** Turns any viem error into a ControllerRevertError (custom error decoded) or a ChainRequestError. */
export function toChainError(fn: string, error: unknown): ControllerRevertError | ChainRequestError {
  if (error instanceof EnigmaError) return error as ControllerRevertError
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName ?? 'Unknown'
      return new ControllerRevertError(fn, name, (revert.data?.args ?? []) as readonly unknown[], error)
    }
    // Reverts outside a contract call (a deployment's constructor) are not decoded by viem: find the
    // revert data in the cause chain and decode it with the controller's ABI ourselves.
    const data = revertDataOf(error)
    if (data) {
      try {
        const decoded = decodeErrorResult({ abi: enigmaControllerAbi, data })
        return new ControllerRevertError(fn, decoded.errorName, (decoded.args ?? []) as readonly unknown[], error)
      } catch {
        // not one of ours: fall through
      }
    }
    return new ChainRequestError(fn, error.shortMessage, error)
  }
  return new ChainRequestError(fn, error instanceof Error ? error.message : String(error), error)
}

function revertDataOf(error: unknown): Hex | undefined {
  for (let e = error as { data?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    const d = e.data as unknown
    if (typeof d === 'string' && /^0x[0-9a-f]{8,}$/i.test(d)) return d as Hex
    if (d && typeof d === 'object' && typeof (d as { data?: unknown }).data === 'string' && /^0x[0-9a-f]{8,}$/i.test((d as { data: string }).data)) {
      return (d as { data: Hex }).data
    }
    const m = typeof e.message === 'string' ? /return data: (0x[0-9a-fA-F]{8,})/.exec(e.message) : null
    if (m) return m[1] as Hex
  }
  return undefined
}
