#!/usr/bin/env node
// The `enigma` command. Installed from the package it runs the compiled JavaScript in dist/; inside
// the repository (src/ present) it runs the TypeScript sources. Either way tsx is registered, because
// users' contract files are TypeScript, and the Node 20 polyfill loads before anything else.
import { existsSync } from 'node:fs'
import { register as registerHooks } from 'node:module'

const fromSource = existsSync(new URL('../src/cli/main.ts', import.meta.url))
await import(fromSource ? '../src/common/polyfill.mjs' : '../dist/common/polyfill.mjs')
const { register } = await import('tsx/esm/api')
register()
// Registered after tsx so that it runs first (the last registered hook is the outermost).
if (fromSource) registerHooks('./source-condition.mjs', import.meta.url)
const { main } = await import(fromSource ? '../src/cli/main.ts' : '../dist/cli/main.js')
process.exitCode = await main(process.argv.slice(2))
