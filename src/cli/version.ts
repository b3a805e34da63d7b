/** The package's own package.json (version, dependency versions): same path from src/ and dist/. */
import { readFileSync } from 'node:fs'

export interface OwnPackageJson {
  readonly name: string
  readonly version: string
  readonly devDependencies?: Readonly<Record<string, string>>
}

export function ownPackageJson(): OwnPackageJson {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as OwnPackageJson
}
