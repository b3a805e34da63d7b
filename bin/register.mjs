// `node --import enigma-ts/register ...`: what a project needs to run its TypeScript contracts and
// tests (tsx, a dependency of enigma-ts) with the Node 20 polyfill loaded first. Used by the test
// script `enigma init` writes.
import '../dist/common/polyfill.mjs'
import { register } from 'tsx/esm/api'

register()
