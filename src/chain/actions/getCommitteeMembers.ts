import type { Address } from 'viem'
import type { CommitteeMember } from '../../node/task-source.ts'
import type { ChainRequestError, ControllerRevertError } from '../errors.ts'
import type { ReadOptions } from '../internal/read.ts'
import type { ControllerReadClient } from '../internal/write.ts'
import { getNode } from './getNode.ts'

export interface GetCommitteeMembersParameters extends ReadOptions {
  /** Committee accounts in party order. */
  readonly committee: readonly Address[]
}
export type GetCommitteeMembersReturnType = CommitteeMember[]
export type GetCommitteeMembersErrorType = ControllerRevertError | ChainRequestError

/** The node layer's view of a committee: peer ids, encryption keys and multiaddrs from the registry. */
export async function getCommitteeMembers(client: ControllerReadClient, params: GetCommitteeMembersParameters): Promise<GetCommitteeMembersReturnType> {
  const infos = await Promise.all(params.committee.map((node) => getNode(client, { ...params, node })))
  return infos.map((info, index) => ({
    index,
    peerId: info.peerId,
    encryptionKey: info.encryptionKey,
    account: params.committee[index]!,
    multiaddrs: info.multiaddrs,
  }))
}
