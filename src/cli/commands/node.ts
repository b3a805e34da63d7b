/**
 * `enigma node start|info`: run a secret node, or print its public identity (issue #4).
 * Heavy modules (libp2p, LevelDB) load only when a subcommand runs, so `enigma --help` stays fast.
 */
import type { Command } from '../main.ts'
import { EnigmaError } from '../../common/errors.ts'
import { CliUsageError, list, parseCommandArgs, str, type OptionSpecs } from '../args.ts'

export const NODE_USAGE = `Usage:
  enigma node start    [--config node.json] [--data-dir DIR] [--listen MULTIADDR]... [--announce MULTIADDR]...
                       [--bootstrap MULTIADDR]... [--api-host HOST] [--api-port N] [--api-announce URL] [--circuits DIR]...
                       (--rpc URL --controller ADDRESS [--records ADDRESS] [--state-contract ADDRESS] [--chain-id N] [--from-block N] [--poll-ms N] | --tasks FILE)
  enigma node register [--config node.json] [--data-dir DIR] --rpc URL --controller ADDRESS [--chain-id N]
                       [--stake ETH] [--multiaddr MULTIADDR]... [--private-key 0x… | --key-file FILE] [--gas-funds ETH]
  enigma node info     [--config node.json] [--data-dir DIR]

start     runs the node. With --rpc/--controller it learns tasks from the controller contract on that
          chain (chain id read from the RPC; --chain-id makes a mismatch an error), exchanges result
          attestations with the committee over gossipsub and, as the designated member, posts
          receipts from its own account (keys.json), which needs a little ether for gas. With
          --records (the EnigmaRecords contract) it also keeps custody shares of stored records.
register  registers the node's account on the controller (peer id, encryption key, addresses from
          the running node's node-info.json or --multiaddr), stakes --stake (default: the minimum),
          and activates it. --private-key/--key-file: an operator wallet that first sends the node
          account its stake plus --gas-funds (default 0.5 ETH). Idempotent.

On first start the node creates its keys in the data dir (keys.json, mode 0600); set
ENIGMA_NODE_PASSPHRASE to seal them with a passphrase. See docs/node.md and docs/operators.md.`

export interface NodeChainFlags {
  rpc?: string
  controller?: string
  records?: string
  stateContract?: string
  chainId?: number
  fromBlock?: bigint
  pollMs?: number
  stake?: string
  multiaddrs: string[]
  privateKey?: string
  keyFile?: string
  gasFunds?: string
}

export interface NodeFlags {
  config?: string
  overrides: Record<string, unknown>
  chain: NodeChainFlags
  help: boolean
  /** Output is JSON already (one line on start, the identity on info); accepted for uniformity. */
  json: boolean
}

const LIST_FLAGS: Record<string, string> = { listen: 'listen', bootstrap: 'bootstrap', announce: 'announce', circuits: 'circuitDirs' }
const VALUE_FLAGS: Record<string, string> = { 'data-dir': 'dataDir', 'api-host': 'apiHost', 'api-announce': 'apiAnnounce', tasks: 'tasksFile' }
const NODE_OPTIONS: OptionSpecs = {
  config: { type: 'string' }, 'api-port': { type: 'string' },
  rpc: { type: 'string' }, controller: { type: 'string' }, records: { type: 'string' }, 'state-contract': { type: 'string' }, 'chain-id': { type: 'string' }, 'from-block': { type: 'string' },
  'poll-ms': { type: 'string' }, stake: { type: 'string' }, 'gas-funds': { type: 'string' }, multiaddr: { type: 'string', multiple: true },
  'private-key': { type: 'string' }, 'key-file': { type: 'string' },
  ...Object.fromEntries(Object.keys(LIST_FLAGS).map((f) => [f, { type: 'string', multiple: true } as const])),
  ...Object.fromEntries(Object.keys(VALUE_FLAGS).map((f) => [f, { type: 'string' } as const])),
}

export function parseNodeFlags(args: readonly string[]): NodeFlags {
  const p = parseCommandArgs(args, NODE_OPTIONS, NODE_USAGE)
  if (p.positionals.length > 0) throw new CliUsageError(`unexpected argument '${p.positionals[0]}'`, NODE_USAGE)
  const overrides: Record<string, unknown> = {}
  const port = str(p, 'api-port')
  if (port !== undefined) {
    if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) throw new CliUsageError(`--api-port must be 0..65535, got ${port}`, NODE_USAGE)
    overrides.apiPort = Number(port)
  }
  for (const [flag, key] of Object.entries(LIST_FLAGS)) if (list(p, flag).length > 0) overrides[key] = list(p, flag)
  for (const [flag, key] of Object.entries(VALUE_FLAGS)) if (str(p, flag) !== undefined) overrides[key] = str(p, flag)
  const chain: NodeChainFlags = { multiaddrs: list(p, 'multiaddr') }
  const v = (name: string) => str(p, name)
  if (v('rpc') !== undefined) chain.rpc = v('rpc')
  if (v('controller') !== undefined) chain.controller = v('controller')
  if (v('records') !== undefined) chain.records = v('records')
  if (v('state-contract') !== undefined) chain.stateContract = v('state-contract')
  if (v('chain-id') !== undefined) chain.chainId = Number(digits('--chain-id', v('chain-id')!))
  if (v('from-block') !== undefined) chain.fromBlock = BigInt(digits('--from-block', v('from-block')!))
  if (v('poll-ms') !== undefined) chain.pollMs = Number(digits('--poll-ms', v('poll-ms')!))
  if (v('stake') !== undefined) chain.stake = ether('--stake', v('stake')!)
  if (v('gas-funds') !== undefined) chain.gasFunds = ether('--gas-funds', v('gas-funds')!)
  if (v('private-key') !== undefined) chain.privateKey = v('private-key')
  if (v('key-file') !== undefined) chain.keyFile = v('key-file')
  if ((chain.rpc === undefined) !== (chain.controller === undefined)) throw new CliUsageError('--rpc and --controller go together', NODE_USAGE)
  if (chain.rpc !== undefined && overrides.tasksFile !== undefined) throw new CliUsageError('a node takes its tasks from the chain (--rpc) or from a file (--tasks), not both', NODE_USAGE)
  if (chain.privateKey !== undefined && chain.keyFile !== undefined) throw new CliUsageError('pass --private-key or --key-file, not both', NODE_USAGE)
  return { config: str(p, 'config'), overrides, chain, help: p.help, json: p.json }
}

function digits(flag: string, v: string): string {
  if (!/^[0-9]{1,18}$/.test(v) || (flag !== '--from-block' && Number(v) < 1)) throw new CliUsageError(`${flag} must be a ${flag === '--from-block' ? 'non-negative' : 'positive'} integer, got '${v}'`, NODE_USAGE)
  return v
}

function ether(flag: string, v: string): string {
  if (!/^[0-9]+(\.[0-9]{1,18})?$/.test(v)) throw new CliUsageError(`${flag} must be an amount of ETH (e.g. 10 or 0.5), got '${v}'`, NODE_USAGE)
  return v
}

async function resolveConfig(flags: NodeFlags) {
  const { checkConfig, loadConfigFile } = await import('../../node/config.ts')
  const fromFile = flags.config ? await loadConfigFile(flags.config) : {}
  return checkConfig({ ...fromFile, ...flags.overrides })
}

async function start(flags: NodeFlags): Promise<number> {
  const config = await resolveConfig(flags)
  const { runUntilStopped } = await import('../../devnet/run-until-stopped.ts')
  const c = flags.chain
  // One line on stdout for scripts (node info, once up): everything else is structured logs on stderr.
  return runUntilStopped({ watchStdin: false }, async () => {
    if (c.rpc !== undefined) {
      const { startChainNode } = await import('../../devnet/chain-node.ts')
      const r = await startChainNode({
        config, rpcUrl: c.rpc, controller: c.controller as `0x${string}`, chainId: c.chainId, fromBlock: c.fromBlock, pollingIntervalMs: c.pollMs,
        ...(c.records !== undefined ? { records: c.records as `0x${string}` } : {}),
        ...(c.stateContract !== undefined ? { stateContract: c.stateContract as `0x${string}` } : {}),
      })
      return r.node
    }
    const { SecretNode } = await import('../../node/secret-node.ts')
    const { engineCompute } = await import('../../node/engine-adapter.ts')
    const node = new SecretNode(config, { compute: engineCompute })
    try {
      await node.start()
    } catch (e) {
      await node.stop()
      throw e
    }
    if (!config.tasksFile) node.log.warn('no task source: pass --rpc and --controller (or --tasks FILE) for the node to get tasks')
    return node
  })
}

async function register(flags: NodeFlags): Promise<number> {
  const config = await resolveConfig(flags)
  const c = flags.chain
  if (c.rpc === undefined) throw new EnigmaError('CLI_USAGE', 'node register needs --rpc and --controller', { details: NODE_USAGE })
  const { parseEther } = await import('viem')
  const { readKeyFile } = await import('../../devnet/context.ts')
  const { registerChainNode } = await import('../../devnet/node-register.ts')
  const fund = c.privateKey ?? (c.keyFile !== undefined ? await readKeyFile(c.keyFile) : undefined)
  if (fund !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(fund)) throw new EnigmaError('CLI_USAGE', 'the private key must be 0x + 64 hex digits')
  const r = await registerChainNode({
    dataDir: config.dataDir, rpcUrl: c.rpc, controller: c.controller as `0x${string}`, chainId: c.chainId,
    stake: c.stake === undefined ? undefined : parseEther(c.stake), multiaddrs: c.multiaddrs.length > 0 ? c.multiaddrs : undefined,
    fundFrom: fund as `0x${string}` | undefined, gasFunds: c.gasFunds === undefined ? undefined : parseEther(c.gasFunds),
  })
  console.log(JSON.stringify({ ...r, stake: r.stake.toString() }))
  return 0
}

async function info(flags: NodeFlags): Promise<number> {
  const config = await resolveConfig(flags)
  const { loadOrCreateIdentity, publicIdentity } = await import('../../node/identity.ts')
  const { readFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const { identity } = await loadOrCreateIdentity(config.dataDir)
  let last: Record<string, unknown> = {}
  try {
    last = JSON.parse(await readFile(join(config.dataDir, 'node-info.json'), 'utf8')) as Record<string, unknown>
  } catch { /* never started: show the configured addresses */ }
  const pub = publicIdentity(identity)
  const multiaddrs = Array.isArray(last.multiaddrs) && last.peerId === pub.peerId
    ? last.multiaddrs
    : config.listen.map((a) => `${a}/p2p/${pub.peerId}`)
  console.log(JSON.stringify({ ...pub, multiaddrs, ...(last.api ? { api: last.api } : {}) }, null, 2))
  return 0
}

export const nodeCommand: Command = {
  name: 'node',
  summary: 'run a secret node (start) or print its public identity (info)',
  async run(args: string[]): Promise<number> {
    const [sub, ...rest] = args
    const flags = parseNodeFlags(rest)
    if (sub === undefined || sub === '--help' || sub === '-h' || flags.help) {
      console.log(NODE_USAGE)
      return sub === undefined ? 1 : 0
    }
    if (sub === 'start') return start(flags)
    if (sub === 'register') return register(flags)
    if (sub === 'info') return info(flags)
    console.error(`enigma node: unknown subcommand '${sub}'\n\n${NODE_USAGE}`)
    return 2
  },
}
