/**
 * What the dashboard's server passes through, and nothing else (issue #13 §2: it reads the chain and
 * the nodes' public APIs only, never a share or an input).
 *
 * - JSON-RPC: read methods only. A devnet chain (Hardhat) signs `eth_sendTransaction` with unlocked
 *   accounts: a page that could reach it through us could spend them, so writes are refused here.
 * - Node APIs: GET of `/metrics`, `/healthz`, `/v1/info` and a task's status `/v1/tasks/<id>`. Never
 *   `/v1/tasks/<id>/outputs/…` (encrypted output shares) nor the input route.
 */
export const READ_RPC_METHODS: ReadonlySet<string> = new Set([
  'eth_chainId', 'net_version', 'eth_blockNumber', 'eth_call', 'eth_getLogs', 'eth_getBlockByNumber', 'eth_getBlockByHash',
  'eth_getTransactionReceipt', 'eth_getTransactionByHash', 'eth_getCode', 'eth_getBalance', 'eth_estimateGas',
])

/** True if every call of a JSON-RPC body (single or batch) is a read. */
export function isReadOnlyRpc(body: unknown): boolean {
  const calls = Array.isArray(body) ? body : [body]
  if (calls.length === 0 || calls.length > 100) return false
  return calls.every((c) => typeof c === 'object' && c !== null && typeof (c as { method?: unknown }).method === 'string' && READ_RPC_METHODS.has((c as { method: string }).method))
}

const TASK_STATUS = /^v1\/tasks\/0x[0-9a-fA-F]{64}$/

/** The node-API path (without the leading slash) if it is one the dashboard may read. */
export function allowedNodePath(path: string): string | undefined {
  if (path === 'metrics' || path === 'healthz' || path === 'v1/info' || TASK_STATUS.test(path)) return path
  return undefined
}
