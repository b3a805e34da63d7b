/**
 * The dashboard of a devnet (`enigma devnet up`): its chain, controller and node APIs from the
 * devnet's state. A dashboard that cannot start (port taken, bundle failure) must not take the
 * devnet down with it: the failure is reported and the devnet runs without one.
 */
import type { Address } from 'viem'
import { startDashboard, type Dashboard } from './server.ts'

/** The part of a devnet's state file the dashboard needs (the devnet layer's `DevnetState` fits). */
export interface DevnetEndpoints {
  readonly rpcUrl: string
  readonly controller: Address
  readonly chainId: number
  readonly nodes: readonly { readonly api: string }[]
  readonly records?: Address
}

export async function startDevnetDashboard(state: DevnetEndpoints, warn: (message: string) => void, port = 0): Promise<Dashboard | undefined> {
  try {
    return await startDashboard({ rpcUrl: state.rpcUrl, controller: state.controller, chainId: state.chainId, nodeApis: state.nodes.map((n) => n.api), port, ...(state.records ? { records: state.records } : {}) })
  } catch (e) {
    warn(`dashboard not started: ${(e as Error).message}`)
    return undefined
  }
}
