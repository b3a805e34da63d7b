/**
 * Maps the task runner's `ComputeFn` onto the MPC layers: a protocols session over the node's libp2p
 * transport, the batch degree-t check of the client-dealt input shares (`acceptDealt`, which also
 * MACs them in malicious mode), then the circuit.
 */
import { NodeError } from './errors.ts'
import type { ComputeFn } from './compute.ts'

export const engineCompute: ComputeFn = async () => {
  throw new NodeError('NODE_ENGINE_UNAVAILABLE', 'src/engine/run-circuit.ts has not landed yet')
}
