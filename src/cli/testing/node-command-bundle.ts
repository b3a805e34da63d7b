/**
 * The CLI's `enigma node` command (node-start-entry.ts) bundled with its packages (src/common/bundle-entry.ts)
 * as the arguments of a `node` child process: `[...argv, 'start', …]`, `[...argv, 'register', …]`. The
 * same bundle as src/node/testing/cluster.ts's CLI nodes (one build serves both). Why: through
 * bin/enigma.mjs a node process loads TypeScript under tsx's hooks, ≈ 5.6 CPU-s to its ready line; the
 * bundle ≈ 1 CPU-s. If esbuild fails: bin/enigma.mjs node. Tests only.
 */
import { join } from 'node:path'
import { repoRoot } from '../../chain/compile.ts'
import { bundleEntry, FILE_LOADING_PACKAGES } from '../../common/bundle-entry.ts'

export async function nodeCommandArgv(): Promise<readonly string[]> {
  const entry = join(repoRoot, 'src/cli/testing/node-start-entry.ts')
  const bundle = await bundleEntry({ entry, root: repoRoot, cacheDir: join(repoRoot, '.enigma', 'cache'), name: 'cluster-cli-node', external: FILE_LOADING_PACKAGES })
    .catch(() => undefined)
  return bundle ? ['--import', join(repoRoot, 'src/common/polyfill.mjs'), bundle.file] : [join(repoRoot, 'bin/enigma.mjs'), 'node']
}
