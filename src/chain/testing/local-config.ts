/**
 * The controller's configuration on a local chain: the chain tests' fixture (fixture.ts) and the
 * devnet (src/devnet/devnet.ts) deploy with it, so a test and a devnet price and punish alike.
 * Short of production only where a local chain needs it: `minActivePerSeat` 1, because tests and
 * devnets have small active sets (3–32 nodes) and run committees of all of them (production: 4,
 * n ≤ N/4; the bound has its own test).
 */
import { parseEther } from 'viem'
import type { ControllerConfig } from '../actions/deployController.ts'
import { hardhatAccount } from './hardhat-node.ts'

export const LOCAL_CONTROLLER_CONFIG: ControllerConfig = {
  minStake: parseEther('1'),
  withdrawDelay: 7n * 24n * 3600n,
  maxTaskDuration: 24n * 3600n,
  baseFee: parseEther('0.01'),
  feePerMultiplication: 1_000_000_000n, // 1 gwei
  feePerRound: 100_000_000_000n, // 100 gwei
  reporterRewardBps: 500,
  reporterRewardCap: parseEther('0.1'),
  protocolFeeBps: 1_000,
  minActivePerSeat: 1,
  accusationWindow: 24n * 3600n,
  attestationWindow: 600n,
  suspensionPeriod: 3n * 24n * 3600n,
  treasury: hardhatAccount(1).address,
}
