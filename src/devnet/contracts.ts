/**
 * Example secret contracts on a devnet: compile with given params, put the circuit where every node
 * finds it (the devnet's shared circuit folder; nodes check bytes against the code hash), and
 * register it on the controller through the SDK.
 */
import { writeFile, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { compileContract, type Compiled, type Contract } from '../lang/index.ts'
import { registerContract, type EnigmaClient, type RegisterContractReturnType } from '../sdk/index.ts'
import { EnigmaError } from '../common/errors.ts'

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url))
export const EXAMPLE_NAMES = ['vickrey-auction', 'millionaires', 'voting', 'salary-stats', 'psi-cardinality', 'credit-score'] as const

/** A contract file from a path, or the name of an example ("vickrey-auction"). */
export function contractPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return resolve(nameOrPath)
  const ex = join(EXAMPLES_DIR, nameOrPath.endsWith('.ts') ? nameOrPath : `${nameOrPath}.ts`)
  if (existsSync(ex)) return ex
  throw new EnigmaError('CLI_USAGE', `contract not found: ${nameOrPath} (examples: ${EXAMPLE_NAMES.join(', ')})`)
}

export interface ContractModule {
  readonly contract: Contract<any, any>
  /** The module's plaintext `reference(inputs, params)`, when it exports one (the examples do). */
  readonly reference?: (inputs: any, params: any) => Record<string, unknown>
}

/** Imports a contract module: its default export (or first defineContract export) and `reference`. */
export async function loadContractModule(file: string): Promise<ContractModule> {
  let mod: Record<string, unknown>
  try {
    mod = await import(pathToFileURL(file).href)
  } catch (e) {
    if (e instanceof EnigmaError) throw e
    throw new EnigmaError('CONTRACT_LOAD_FAILED', `cannot load ${file}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { cause: e })
  }
  const contract = [mod.default, ...Object.values(mod)].find((v) => (v as { kind?: unknown } | null)?.kind === 'enigma-contract')
  if (!contract) throw new EnigmaError('CONTRACT_LOAD_FAILED', `${file} exports no contract; write \`export default defineContract({ ... })\``)
  return { contract: contract as Contract<any, any>, reference: typeof mod.reference === 'function' ? mod.reference as ContractModule['reference'] : undefined }
}

export async function compileFile(file: string, params: Record<string, string | number>): Promise<Compiled> {
  return compileContract((await loadContractModule(file)).contract, params)
}

/** Writes the circuit into the devnet's circuit folder as `<codeHash>.json`. */
export async function publishCircuit(circuitsDir: string, compiled: Compiled): Promise<string> {
  await mkdir(circuitsDir, { recursive: true })
  const path = join(circuitsDir, `${compiled.codeHash}.json`)
  await writeFile(path, compiled.encoding)
  return path
}

export async function deployCompiled(client: EnigmaClient, circuitsDir: string, compiled: Compiled): Promise<RegisterContractReturnType> {
  await publishCircuit(circuitsDir, compiled)
  return registerContract(client, {
    codeHash: compiled.codeHash, multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds,
    uri: `enigma:circuit:${compiled.codeHash}`,
  })
}
