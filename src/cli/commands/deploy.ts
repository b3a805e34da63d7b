/**
 * `enigma deploy <contract.ts> [--param k=v]... [--json]`: compile a secret contract, make its circuit
 * available to the nodes (the devnet's circuit folder), register it on the controller unless it is
 * already, and print its code hash.
 */
import type { Command } from '../main.ts'
import { parseContractArgs } from './compile.ts'
import { CHAIN_FLAGS_USAGE } from '../../devnet/chain-flags.ts'
import { CHAIN_OPTIONS, chainFlagsOf } from '../chain-options.ts'
import { progress } from '../progress.ts'

export const DEPLOY_USAGE = `Usage: enigma deploy <contract.ts|example-name> [--param k=v]... [--json]

Compiles the contract with the given params, puts the circuit where the devnet's nodes find it, and
registers it on the controller (skipped if that code hash is registered). Prints the code hash.

Examples:
  enigma deploy millionaires                 an example by name, on the running devnet
  enigma deploy contracts/my-contract.ts -p n=8 --json
${CHAIN_FLAGS_USAGE}`

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'compile and register a secret contract on the controller',
  async run(argv) {
    const a = parseContractArgs(argv, DEPLOY_USAGE, [], CHAIN_OPTIONS)
    const chain = chainFlagsOf(a.parsed, DEPLOY_USAGE)
    if (a.help) { console.log(DEPLOY_USAGE); return 0 }
    const { cliContext } = await import('../../devnet/context.ts')
    const { compileFile, contractPath, deployCompiled } = await import('../../devnet/contracts.ts')
    const { registerContract } = await import('../../sdk/index.ts')
    const step = progress(a.json)
    step('connecting to the chain')
    const ctx = await cliContext(chain, true)
    step(`compiling ${a.file}`)
    const compiled = await compileFile(contractPath(a.file!), a.params)
    step(`registering ${compiled.codeHash} on ${ctx.client.controller}`)
    const r = ctx.circuitsDir
      ? await deployCompiled(ctx.client, ctx.circuitsDir, compiled)
      : await registerContract(ctx.client, { codeHash: compiled.codeHash, multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds })
    if (a.json) console.log(JSON.stringify({ codeHash: compiled.codeHash, registered: r.registered, transactionHash: r.transactionHash ?? null, multiplications: compiled.cost.totalMultiplications, rounds: compiled.cost.rounds }))
    else console.log(r.registered ? `${compiled.codeHash} (registered, tx ${r.transactionHash})` : `${compiled.codeHash} (already registered)`)
    return 0
  },
}

