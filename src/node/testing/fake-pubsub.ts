/**
 * An in-process stand-in for gossipsub between a few nodes, for tests of the topic validators and
 * their listeners (attestation filter, evidence collector): `publish` runs every other node's
 * validator for the topic and dispatches the message to those that Accept, as gossipsub does; `from`
 * can be set to model a message whose author claims another peer.
 */
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'

type Validator = (peer: { toString(): string }, msg: Message) => Promise<TopicValidatorResult>

export class FakePubsub extends EventTarget {
  readonly topicValidators = new Map<string, Validator>()
  constructor(readonly peer: { toString(): string }, readonly bus: FakePubsub[]) { super() }
  subscribe(): void {}
  unsubscribe(): void {}
  async publish(topic: string, data: Uint8Array, from: { toString(): string } = this.peer): Promise<TopicValidatorResult[]> {
    const msg = { type: 'signed', from, topic, data, sequenceNumber: 1n, signature: new Uint8Array(64), key: undefined } as unknown as Message
    const verdicts: TopicValidatorResult[] = []
    for (const other of this.bus) {
      if (other === this) continue
      const v = other.topicValidators.get(topic)
      const verdict = v ? await v(from, msg) : TopicValidatorResult.Ignore
      verdicts.push(verdict)
      if (verdict === TopicValidatorResult.Accept) other.dispatchEvent(new CustomEvent('message', { detail: msg }))
    }
    return verdicts
  }
}

/** `size` fake peers `peer-0` … on one bus. */
export function fakeBus(size: number): FakePubsub[] {
  const bus: FakePubsub[] = []
  for (let i = 0; i < size; i++) bus.push(new FakePubsub({ toString: () => `peer-${i}` }, bus))
  return bus
}
