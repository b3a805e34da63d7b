#!/usr/bin/env node
// The `enigma` command. Loads the Node 20 polyfill before anything else, then TypeScript via tsx.
import '../src/common/polyfill.mjs'
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../src/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
