/**
 * Argument checks shared by every transport, so the in-memory and TCP transports refuse exactly the
 * same calls (a test written against one holds for the other).
 */
import { InvalidArgumentError } from '../common/errors.ts'

export const MAX_LABEL_BYTES = 255

export function checkPeer(fn: string, n: number, self: number, peer: number): void {
  if (!Number.isInteger(peer) || peer < 0 || peer >= n || peer === self) {
    throw new InvalidArgumentError(fn, `peer must be an integer in 0..${n - 1} other than self (${self}), got ${String(peer)}`)
  }
}

/** Labels go on the wire as one length byte plus latin1 bytes, hence ASCII and at most 255 long. */
export function checkLabel(fn: string, label: string): void {
  if (typeof label !== 'string' || label.length > MAX_LABEL_BYTES) {
    throw new InvalidArgumentError(fn, `label must be a string of at most ${MAX_LABEL_BYTES} ASCII characters`)
  }
  for (let i = 0; i < label.length; i++) {
    if (label.charCodeAt(i) > 0x7f) throw new InvalidArgumentError(fn, `label must be ASCII, got '${label}'`)
  }
}

export function checkPayload(fn: string, payload: Uint8Array): void {
  if (!(payload instanceof Uint8Array)) throw new InvalidArgumentError(fn, 'payload must be a Uint8Array')
}

export function checkPartyCount(fn: string, n: number, self?: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 0xffff) throw new InvalidArgumentError(fn, `n must be an integer in 1..65535, got ${String(n)}`)
  if (self !== undefined && (!Number.isInteger(self) || self < 0 || self >= n)) {
    throw new InvalidArgumentError(fn, `self must be an integer in 0..${n - 1}, got ${String(self)}`)
  }
}

export function checkTimeout(fn: string, name: string, ms: number): void {
  if (!(typeof ms === 'number' && ms > 0 && ms <= 2 ** 31 - 1)) {
    throw new InvalidArgumentError(fn, `${name} must be a positive number of milliseconds below 2^31, got ${String(ms)}`)
  }
}
