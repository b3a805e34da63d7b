/**
 * How a devnet starts its node processes. From an installed package: `enigma devnet _node` (bin/
 * enigma.mjs). From a source checkout: node-entry.ts bundled once by esbuild (a dev dependency) into
 * `.enigma/cache/devnet-node-<hash>.mjs` and run by plain Node. Why: through the CLI a node process
 * loads every command under tsx's module hooks before it starts, ~6 CPU-seconds per node (measured
 * 6.4 s vs 2.1 s for the bundle, load ≈ 50); a 5-node devnet on 2 cores spent ~10 s of its start-up
 * there. The bundle is the same sources (no `import.meta.url` in the node's import graph, packages stay
 * external); its name is the hash of its text, so every change of a source gives a new file.
 * `ENIGMA_DEVNET_NODE_BUNDLE=0` starts nodes through the CLI as before. Bundles unused for a week are removed.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { repoRoot } from '../chain/compile.ts'

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
  const { build } = await import('esbuild')
  const out = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
    conditions: ['enigma-source'], write: false, logLevel: 'silent',
  })
  const text = out.outputFiles[0]!.contents
  const dir = join(repoRoot, '.enigma', 'cache')
  const file = join(dir, `devnet-node-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`)
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true })
    // Written aside and renamed: another test file may be reading the same bundle right now.
    const tmp = `${file}.${process.pid}.tmp`
    await writeFile(tmp, text)
    await rename(tmp, file)
  } else {
    const now = new Date()
    await utimes(file, now, now).catch(() => {})
  }
  await pruneOldBundles(dir, file).catch(() => {})
  return file
}

/** Bundles of earlier sources, unused for a week (every use touches the file), are removed. */
async function pruneOldBundles(dir: string, keep: string): Promise<void> {
  const weekAgo = Date.now() - 7 * 24 * 3600_000
  for (const name of await readdir(dir)) {
    const path = join(dir, name)
    if (path === keep || !/^devnet-node-[0-9a-f]{16}\.mjs$/.test(name)) continue
    const mtimeMs = (await stat(path).catch(() => undefined))?.mtimeMs
    if (mtimeMs !== undefined && mtimeMs < weekAgo) await rm(path, { force: true })
  }
}
