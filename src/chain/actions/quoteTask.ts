import type { Hex } from 'viem'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import { readController, type ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'

export interface QuoteTaskParameters extends ReadOptions {
  readonly codeHash: Hex
}
export type QuoteTaskReturnType = bigint
export type QuoteTaskErrorType = ControllerRevertError | ChainRequestError

/** Minimum fee in wei of a task of a registered contract. Refusal: UnknownContract. */
export async function quoteTask(client: ControllerReadClient, params: QuoteTaskParameters): Promise<QuoteTaskReturnType> {
  return readController<bigint>('quoteTask', client, params, 'quote', [params.codeHash])
}
