import type { Address, Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export type QuoteTaskParameters = ReadOptions & (
  /** The price of a declared cost … */
  | { readonly multiplications: bigint; readonly rounds: number }
  /** … or of a registrant's entry for a code hash. */
  | { readonly codeHash: Hex; readonly registrant: Address }
)
export type QuoteTaskReturnType = bigint
export type QuoteTaskErrorType = ControllerRevertError | ChainRequestError

/** Minimum fee in wei of a task: base + per multiplication + per round. Refusal: UnknownContract. */
export async function quoteTask(client: ControllerReadClient, params: QuoteTaskParameters): Promise<QuoteTaskReturnType> {
  if ('codeHash' in params) return readController<bigint>('quoteTask', client, params, 'quote', [params.codeHash, params.registrant])
  return readController<bigint>('quoteTask', client, params, 'quoteCost', [params.multiplications, params.rounds])
}
