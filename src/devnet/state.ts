/**
 * `.enigma/devnet.json`: what a running devnet tells the SDK and the CLI (RPC URL, controller,
 * funded accounts, node API endpoints and peer ids). Written atomically by `enigma devnet up`,
 * removed by `down`. The accounts are Hardhat's public development keys: never fund them elsewhere.
 */
import { readFile, rename, rm, writeFile, mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Address, Hex } from 'viem'
import { EnigmaError } from '../common/errors.ts'

export const DEFAULT_DEVNET_DIR = '.enigma/devnet'
export const DEFAULT_STATE_FILE = '.enigma/devnet.json'

export interface DevnetAccount {
  readonly address: Address
  readonly privateKey: Hex
}

export interface DevnetNodeState {
  readonly index: number
  readonly peerId: string
  readonly account: Address
  readonly encryptionKey: Hex
  readonly multiaddrs: readonly string[]
  readonly api: string
  readonly pid: number
  readonly dataDir: string
}

export interface DevnetState {
  readonly version: 1
  /** The process that owns the devnet (`enigma devnet up`); `down` signals it. */
  readonly pid: number
  /** /proc start time of `pid` (Linux), so a stale file never makes us signal a reused pid. */
  readonly pidStartTime?: string
  readonly rpcUrl: string
  readonly chainId: number
  /** Block the controller was deployed in: event scans start here, not at block 0 (decimal string). */
  readonly fromBlock?: string
  /** Interval mining period, when the chain mines on a timer. */
  readonly blockTimeMs?: number
  /** The devnet's folder (node data, circuits). */
  readonly dir?: string
  readonly controller: Address
  /** The records contract (contracts/EnigmaRecords.sol) beside the controller; its custody committee is all nodes. */
  readonly records?: Address
  /** The state contract (contracts/EnigmaState.sol) beside the controller: versions of contract state. */
  readonly stateContract?: Address
  /** The inputs contract (contracts/EnigmaInputs.sol) when the devnet batches inputs. */
  readonly inputs?: Address
  /** Owner of the controller (account 0). */
  readonly deployer: DevnetAccount
  /** Funded accounts for clients (bidders, data owners). */
  readonly accounts: readonly DevnetAccount[]
  readonly threshold: number
  readonly nodes: readonly DevnetNodeState[]
  /** Folder every node scans for compiled circuits (`<codeHash>.json`). */
  readonly circuitsDir: string
  readonly startedAt: string
  /** URL of the live dashboard `enigma devnet up` serves (src/dashboard/), when it runs. */
  readonly dashboard?: string
}

export function statePath(path?: string): string {
  return resolve(path ?? process.env.ENIGMA_DEVNET ?? DEFAULT_STATE_FILE)
}

export async function writeState(state: DevnetState, path?: string): Promise<string> {
  const file = statePath(path)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n')
  await rename(`${file}.tmp`, file)
  return file
}

export async function readState(path?: string): Promise<DevnetState> {
  const file = statePath(path)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new EnigmaError('DEVNET_NOT_RUNNING', `no devnet: ${file} not found; start one with \`enigma devnet up\``)
  }
  try {
    const s = JSON.parse(text) as DevnetState
    if (s.version !== 1 || typeof s.rpcUrl !== 'string' || !Array.isArray(s.nodes)) throw new Error('shape')
    return s
  } catch {
    throw new EnigmaError('DEVNET_STATE_INVALID', `${file} is not a devnet state file; remove it and run \`enigma devnet up\``)
  }
}

export async function removeState(path?: string): Promise<void> {
  await rm(statePath(path), { force: true })
}

/** True if a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
