// Node 20 lacks Promise.withResolvers, which libp2p v3 calls at start-up (see ../shared/STACK-NOTES.md).
// Every entry point loads this file first: `node --import ./src/common/polyfill.mjs ...` or an
// import at the very top of a bin script.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
