/**
 * Build script: prints kernels.generated.ts for the current WAT sources on stdout. The npm script
 * `build:wasm` redirects it into place; printing instead of writing keeps this layer free of file
 * I/O imports (src/common/layers.ts).
 */
import { generatedModuleText } from './assemble.ts'

process.stdout.write(await generatedModuleText())
