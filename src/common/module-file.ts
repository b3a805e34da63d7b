/**
 * A module beside the calling one, as a file URL, for code that starts it by path (child processes).
 * In the repository modules are `.ts` sources run by tsx; in the installed package they are the `.js`
 * that tsc emitted in dist/ (tsc rewrites import specifiers, not strings like these).
 */
export function siblingModule(callerUrl: string, relativeTsPath: string): URL {
  const path = callerUrl.endsWith('.ts') ? relativeTsPath : relativeTsPath.replace(/\.ts$/, '.js')
  return new URL(path, callerUrl)
}
