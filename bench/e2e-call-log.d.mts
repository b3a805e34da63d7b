/** Side effect only: bench/e2e-call-log.mjs logs this process's fetch calls when ENIGMA_E2E_CALL_LOG is set. */
export {}
