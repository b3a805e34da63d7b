/**
 * A browser dApp on Enigma: the page holds a data owner's key, creates a task on the controller,
 * secret-shares and encrypts its inputs to the committee's nodes (cross-origin calls to their client
 * APIs), waits for the signed result, and reads a `revealTo` output addressed to an X25519 key it made
 * itself: the task names only the public key; the nodes' shares are encrypted to it, and the secret
 * key never leaves the page. Bundle it with esbuild (`platform: 'browser'`); the test
 * beside it serves it from its own origin and runs it in headless Chromium against a devnet.
 *
 * The page reads its settings from `config.json` next to it (what a real dApp would hard-code or
 * take from a wallet): RPC URL, controller, node APIs, the owner's private key, the contract.
 */
import { createEnigmaClient, createTask, generateRecipientKey, getOutput, submitInput, waitForResult, type EnigmaClientConfig } from 'enigma-ts/sdk'
import type { Circuit } from '../../src/circuit/types.ts'

export interface DappConfig {
  readonly client: Pick<EnigmaClientConfig, 'rpcUrl' | 'controller' | 'chainId' | 'nodeApis'>
  /** The data owner's key. In a real dApp: a wallet account (viem `custom(window.ethereum)`). */
  readonly ownerKey: `0x${string}`
  readonly codeHash: `0x${string}`
  readonly params: Readonly<Record<string, number>>
  readonly circuit: Pick<Circuit, 'field' | 'inputs' | 'outputs'>
  readonly n: number
  readonly t: number
  readonly values: Readonly<Record<string, unknown>>
  /** The recipient name of the contract's `revealTo(name, x)` output, and that output's name. */
  readonly recipient: string
  readonly privateOutput: string
}

function show(step: string): void {
  const li = document.createElement('li')
  li.textContent = step
  document.getElementById('log')!.append(li)
}

async function main(): Promise<void> {
  const cfg = (await (await fetch('./config.json')).json()) as DappConfig
  const client = createEnigmaClient({ ...cfg.client, account: cfg.ownerKey, pollingIntervalMs: 200 })
  const owner = client.account!.address
  show(`data owner ${owner}`)
  // The recipient's key pair, made here: only its public half goes on chain.
  const recipient = generateRecipientKey()
  show(`${cfg.recipient}'s key ${recipient.publicKey}`)
  const task = await createTask(client, {
    codeHash: cfg.codeHash, params: cfg.params, n: cfg.n, t: cfg.t, security: 'semi-honest',
    inputSlots: cfg.circuit.inputs.map((i) => ({ name: i.name, owner })),
    recipients: { [cfg.recipient]: recipient.publicKey },
  })
  show(`task ${task.taskId} created; committee ${task.committee.map((m) => m.account).join(', ')}`)
  for (const input of cfg.circuit.inputs) {
    await submitInput(client, { taskId: task.taskId, slot: input.name, value: cfg.values[input.name], circuit: cfg.circuit })
    show(`input ${input.name} shared and encrypted to ${task.committee.length} nodes`)
  }
  const r = await waitForResult(client, { taskId: task.taskId, circuit: cfg.circuit, timeoutMs: 240_000 })
  show(`result ${JSON.stringify(r.outputs)}, signed by ${r.receipt.signers.length} of ${r.receipt.committee.length}`)
  const own = await getOutput(client, { taskId: task.taskId, output: cfg.privateOutput, recipientKey: recipient.secretKey, circuit: cfg.circuit })
  show(`${cfg.privateOutput} (for ${cfg.recipient} only): ${JSON.stringify(own.value)}`)
  document.body.dataset.result = JSON.stringify({
    taskId: task.taskId, outputs: r.outputs, signers: r.receipt.signers.length,
    recipientKey: recipient.publicKey, privateOutput: own.value, corrected: own.corrected,
  })
}

main().catch((e: unknown) => {
  show(`error: ${e instanceof Error ? e.message : String(e)}`)
  document.body.dataset.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
})
