/**
 * `enigma node start|info`: run a secret node, or print its public identity (issue #4).
 * Heavy modules (libp2p, LevelDB) load only when a subcommand runs, so `enigma --help` stays fast.
 */
import type { Command } from '../main.ts'
import { CliUsageError, list, parseCommandArgs, str, type OptionSpecs } from '../args.ts'

export const NODE_USAGE = `Usage:
  enigma node start [--config node.json] [--data-dir DIR] [--listen MULTIADDR]... [--announce MULTIADDR]...
                    [--bootstrap MULTIADDR]... [--api-host HOST] [--api-port N] [--tasks FILE] [--circuits DIR]...
  enigma node info  [--config node.json] [--data-dir DIR]

On first start the node creates its keys in the data dir (keys.json, mode 0600); set
ENIGMA_NODE_PASSPHRASE to seal them with a passphrase. See docs/node.md.`

export interface NodeFlags {
  config?: string
  overrides: Record<string, unknown>
  help: boolean
  /** Output is JSON already (one line on start, the identity on info); accepted for uniformity. */
  json: boolean
}

const LIST_FLAGS: Record<string, string> = { listen: 'listen', bootstrap: 'bootstrap', announce: 'announce', circuits: 'circuitDirs' }
const VALUE_FLAGS: Record<string, string> = { 'data-dir': 'dataDir', 'api-host': 'apiHost', tasks: 'tasksFile' }
const NODE_OPTIONS: OptionSpecs = {
  config: { type: 'string' }, 'api-port': { type: 'string' },
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
  return { config: str(p, 'config'), overrides, help: p.help, json: p.json }
}

async function resolveConfig(flags: NodeFlags) {
  const { checkConfig, loadConfigFile } = await import('../../node/config.ts')
  const fromFile = flags.config ? await loadConfigFile(flags.config) : {}
  return checkConfig({ ...fromFile, ...flags.overrides })
}

async function start(flags: NodeFlags): Promise<number> {
  const config = await resolveConfig(flags)
  const { SecretNode } = await import('../../node/secret-node.ts')
  const { engineCompute } = await import('../../node/engine-adapter.ts')
  const node = new SecretNode(config, { compute: engineCompute })
  const stopped = new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      node.log.info('stopping', { signal: sig })
      void node.stop().finally(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
  try {
    await node.start()
  } catch (e) {
    await node.stop()
    throw e
  }
  // One line on stdout for scripts: everything else is structured logs on stderr.
  console.log(JSON.stringify(node.info()))
  await stopped
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
    if (sub === 'info') return info(flags)
    console.error(`enigma node: unknown subcommand '${sub}'\n\n${NODE_USAGE}`)
    return 2
  },
}
