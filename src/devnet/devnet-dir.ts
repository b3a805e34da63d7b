/**
 * The devnet's folder (node data, circuits) is wiped at every start, so a start must be sure it is
 * wiping a devnet's folder that nobody uses (issue #15, defect 10): `--dir ~` or the folder of a
 * devnet that `enigma devnet up` runs right now must be refused, not deleted.
 *
 * A devnet folder holds a marker file naming the processes that use it (owner, chain, nodes) with
 * their start times. A start proceeds when the folder does not exist or is empty, or holds the
 * marker and none of its processes is alive and ours (src/devnet/process-check.ts). A folder made by
 * an older version (only `circuits/` and `node<i>/` inside) counts as a devnet's.
 */
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { EnigmaError } from '../common/errors.ts'
import { isOurProcess, selfRef, type ProcessRef } from './process-check.ts'

export const DEVNET_MARKER = '.enigma-devnet.json'

export interface DevnetMarker {
  readonly kind: 'enigma-devnet'
  readonly owner: ProcessRef
  readonly processes: readonly ProcessRef[]
}

const LEGACY_ENTRY = /^(circuits|node[0-9]+)$/

async function readMarker(dir: string): Promise<DevnetMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, DEVNET_MARKER), 'utf8')) as DevnetMarker
    return m?.kind === 'enigma-devnet' ? m : undefined
  } catch {
    return undefined
  }
}

export async function writeMarker(dir: string, processes: readonly ProcessRef[]): Promise<void> {
  const m: DevnetMarker = { kind: 'enigma-devnet', owner: selfRef(), processes }
  const path = join(dir, DEVNET_MARKER)
  await writeFile(`${path}.tmp`, JSON.stringify(m, null, 2) + '\n')
  await rename(`${path}.tmp`, path)
}

/** Makes `dir` an empty devnet folder owned by this process, or throws DEVNET_DIR_REFUSED / DEVNET_DIR_IN_USE. */
export async function claimDevnetDir(dir: string): Promise<void> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new EnigmaError('DEVNET_DIR_REFUSED', `cannot use ${dir} as the devnet folder: ${(e as Error).message}`)
    }
    entries = []
  }
  if (entries.length > 0) {
    const marker = await readMarker(dir)
    if (!marker && !entries.every((e) => LEGACY_ENTRY.test(e))) {
      throw new EnigmaError('DEVNET_DIR_REFUSED', `${dir} is not a devnet folder (no ${DEVNET_MARKER}) and is not empty; the devnet wipes its folder at start, so pick a new or empty one with --dir`)
    }
    const live = marker ? [marker.owner, ...marker.processes].filter((p) => p.pid !== process.pid && isOurProcess(p)) : []
    if (live.length > 0) {
      throw new EnigmaError('DEVNET_DIR_IN_USE', `a devnet is running in ${dir} (pid ${live.map((p) => p.pid).join(', ')}); stop it with \`enigma devnet down\` or use another --dir`)
    }
    await rm(dir, { recursive: true, force: true })
  }
  await mkdir(dir, { recursive: true })
  await writeMarker(dir, [])
}
