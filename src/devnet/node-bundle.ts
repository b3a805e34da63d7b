/**
 * How a devnet starts its node processes. From an installed package: `enigma devnet _node` (bin/
 * enigma.mjs). From a source checkout: node-entry.ts bundled with its packages by esbuild (a dev
 * dependency) into `.enigma/cache/devnet-node-<hash>.mjs` (src/common/bundle-entry.ts: built once,
 * reused while every input file is byte-identical) and run by plain Node. Why: through the CLI a node
 * process loads every command under tsx's module hooks before it starts, ~6 CPU-seconds per node; the
 * bundle of the sources alone took 2.4 CPU-s to the ready line, with its packages 1.1 CPU-s (devnet of
 * 5 nodes, load 15–22). The bundle is the same sources (no `import.meta.url` in the node's import graph:
 * the only one is the bundle's own, for the `require` of Node's built-ins inside CommonJS packages).
 * `ENIGMA_DEVNET_NODE_BUNDLE=0` starts nodes through the CLI as before.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../chain/compile.ts'
import { bundleEntry, FILE_LOADING_PACKAGES } from '../common/bundle-entry.ts'

let bundled: Promise<string | undefined> | undefined

/** Command line (program and leading arguments) of a devnet node; its own arguments follow. */
export async function devnetNodeCommand(): Promise<readonly string[]> {
  bundled ??= bundleNodeEntry().catch(() => undefined)
  const file = await bundled
  return file
    ? [process.execPath, '--import', join(repoRoot, 'src/common/polyfill.mjs'), file]
    : [process.execPath, join(repoRoot, 'bin/enigma.mjs'), 'devnet', '_node']
}

async function bundleNodeEntry(): Promise<string | undefined> {
  const entry = join(repoRoot, 'src/devnet/node-entry.ts')
  if (process.env.ENIGMA_DEVNET_NODE_BUNDLE === '0' || !existsSync(entry)) return undefined
  return (await bundleEntry({ entry, root: repoRoot, cacheDir: join(repoRoot, '.enigma', 'cache'), name: 'devnet-node', external: FILE_LOADING_PACKAGES })).file
}
