/**
 * Committee members exchange their receipt attestations over gossipsub, so the designated aggregator
 * (src/chain/task-source.ts) collects t+1 of them and posts the receipt. The task runner hands only
 * its *own* attestation to `publishAttestation`; without an exchange no member ever holds t+1.
 *
 * A wrapper around the chain's TaskSource: our attestation goes to the inner source and is published
 * on ATTESTATION_TOPIC a few times (a peer may join the mesh late; messages are ~400 bytes); peers'
 * attestations go to the inner source, which checks signature and committee membership before
 * counting them, so a forged message costs a signature check and nothing else.
 */
import type { Attestation, TaskEvent, TaskSource, TaskSpec } from '../node/task-source.ts'
import type { SecretNode } from '../node/secret-node.ts'

export const ATTESTATION_TOPIC = '/enigma/attestations/1.0.0'
/** When (ms after completion) our attestation is published again. */
const REPUBLISH_MS = [0, 1_000, 3_000, 6_000, 12_000, 25_000]
const HEX = /^0x[0-9a-fA-F]*$/

export class AttestationGossipSource implements TaskSource {
  readonly #inner: TaskSource & { publishAttestation(a: Attestation): Promise<void> }
  readonly #node: () => SecretNode | undefined
  readonly #timers = new Set<ReturnType<typeof setTimeout>>()
  #listening = false

  constructor(inner: TaskSource & { publishAttestation(a: Attestation): Promise<void> }, node: () => SecretNode | undefined) {
    this.#inner = inner
    this.#node = node
  }

  async start(options?: { signal?: AbortSignal }): Promise<void> {
    await this.#inner.start(options)
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
    await this.#inner.stop()
  }

  subscribe(handler: (event: TaskEvent) => void): () => void {
    return this.#inner.subscribe(handler)
  }

  openTasks(): Promise<TaskSpec[]> {
    return this.#inner.openTasks()
  }

  /** Subscribes to peers' attestations; call once the node's host runs. */
  listen(): void {
    const node = this.#node()
    if (!node || this.#listening) return
    this.#listening = true
    const pubsub = node.host.services.pubsub
    pubsub.subscribe(ATTESTATION_TOPIC)
    pubsub.addEventListener('message', (evt) => {
      if (evt.detail.topic !== ATTESTATION_TOPIC || evt.detail.data.length > 4096) return
      const a = parseAttestation(evt.detail.data)
      if (!a) return
      this.#inner.publishAttestation(a).catch((e: unknown) => node.log.debug('peer attestation refused', { taskId: a.taskId, signer: a.signer, err: e }))
    })
  }

  async publishAttestation(attestation: Attestation): Promise<void> {
    const node = this.#node()
    if (node) {
      const bytes = new TextEncoder().encode(JSON.stringify(attestation))
      for (const ms of REPUBLISH_MS) {
        const t = setTimeout(() => {
          this.#timers.delete(t)
          node.host.services.pubsub.publish(ATTESTATION_TOPIC, bytes).catch(() => { /* nobody in the mesh yet */ })
        }, ms)
        this.#timers.add(t)
      }
    }
    await this.#inner.publishAttestation(attestation)
  }
}

function parseAttestation(data: Uint8Array): Attestation | undefined {
  try {
    const a = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>
    const fields = ['taskId', 'outputHash', 'publicOutputs', 'signer', 'signature'] as const
    if (!fields.every((k) => typeof a[k] === 'string' && HEX.test(a[k] as string))) return undefined
    return { taskId: a.taskId, outputHash: a.outputHash, publicOutputs: a.publicOutputs, signer: a.signer, signature: a.signature } as Attestation
  } catch {
    return undefined
  }
}
