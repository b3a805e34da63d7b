/**
 * Client side of the private DAO vote (examples/dapps/PrivateDaoVote.sol, docs/dapps.md): members
 * propose calls, open a secret ballot (a task of examples/voting.ts), and each sends her choice through
 * the SDK; the result callback executes the winner.
 */
import type { Abi, Address, Hex } from 'viem'
import { drawCommittee, type EnigmaClient } from 'enigma-ts/sdk'
import type { Compiled } from 'enigma-ts'
import { privateDaoVoteAbi, privateDaoVoteBytecode } from './generated/PrivateDaoVote.ts'
import { deploy, read, send, submitWithRetry, until, type Submitted } from './dapp-client.ts'

const DAO = privateDaoVoteAbi as Abi

/** PrivateDaoVote.BallotStatus, by index. */
export const BALLOT_STATUSES = ['none', 'voting', 'decided', 'no-quorum', 'tie', 'failed'] as const
export type BallotStatus = (typeof BALLOT_STATUSES)[number]

export interface BallotView {
  readonly taskId: Hex
  readonly status: BallotStatus
  readonly winner: bigint
  readonly proposals: readonly bigint[]
  readonly tally: readonly bigint[]
}

export async function deployDao(owner: EnigmaClient, members: readonly Address[]): Promise<Address> {
  return deploy(owner, DAO, privateDaoVoteBytecode, [owner.controller, owner.account!.address, members])
}

/** Records the `voting` circuit compiled for (voters, candidates) in the DAO's circuit book. */
export async function setBallotCircuit(owner: EnigmaClient, dao: Address, compiled: Compiled): Promise<void> {
  const { voters, candidates } = compiled.circuit.params
  if (voters === undefined || candidates === undefined) throw new Error('setBallotCircuit: not a voting circuit')
  const key = await read<bigint>(owner, dao, DAO, 'circuitKey', [BigInt(voters), BigInt(candidates)])
  await send(owner, dao, DAO, 'setCircuit', [key, compiled.codeHash, BigInt(compiled.cost.totalMultiplications), compiled.cost.rounds])
}

export async function propose(member: EnigmaClient, dao: Address, p: { target: Address; value?: bigint; data?: Hex; description: string }): Promise<bigint> {
  await send(member, dao, DAO, 'propose', [p.target, p.value ?? 0n, p.data ?? '0x', p.description])
  const count = await read<bigint>(member, dao, DAO, 'proposalCount')
  return count - 1n
}

/** Opens a ballot between `proposals` (paying the quoted fee) and draws its committee; returns the ballot index. */
export async function openBallot(member: EnigmaClient, dao: Address, proposals: readonly bigint[], submitSeconds: number): Promise<bigint> {
  const fee = await read<bigint>(member, dao, DAO, 'ballotFee', [BigInt(proposals.length)])
  await send(member, dao, DAO, 'openBallot', [proposals, submitSeconds], fee)
  const ballot = (await read<bigint>(member, dao, DAO, 'ballotCount')) - 1n
  // Step 2 of a task a contract created: anyone may draw; the committee does not depend on who.
  await drawCommittee(member, { taskId: (await getBallot(member, dao, ballot)).taskId })
  return ballot
}

export async function getBallot(client: EnigmaClient, dao: Address, ballot: bigint): Promise<BallotView> {
  const b = await read<Omit<BallotView, 'status'> & { status: number }>(client, dao, DAO, 'getBallot', [ballot])
  return { ...b, status: BALLOT_STATUSES[b.status]! }
}

/** A member's secret vote: the position of her choice on the ballot (another number is an invalid vote). */
export async function castVote(member: EnigmaClient, dao: Address, ballot: bigint, choice: number, circuit: Compiled['circuit']): Promise<Submitted> {
  const members = await read<readonly Address[]>(member, dao, DAO, 'members')
  const slot = members.findIndex((m) => m.toLowerCase() === member.account!.address.toLowerCase())
  if (slot < 0) throw new Error(`${member.account!.address} is not a member`)
  const b = await getBallot(member, dao, ballot)
  return submitWithRetry(member, { taskId: b.taskId, slot: `votes[${slot}]`, value: choice, circuit })
}

export async function waitForBallot(client: EnigmaClient, dao: Address, ballot: bigint, timeoutMs = 300_000): Promise<BallotView> {
  return until(`ballot ${ballot} to end`, async () => {
    const b = await getBallot(client, dao, ballot)
    return b.status === 'voting' ? undefined : b
  }, timeoutMs)
}

export async function isExecuted(client: EnigmaClient, dao: Address, proposal: bigint): Promise<boolean> {
  return (await read<{ executed: boolean }>(client, dao, DAO, 'getProposal', [proposal])).executed
}
