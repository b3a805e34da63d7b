/**
 * Source check for what JavaScript cannot catch at run time: a secret used as a condition.
 * `if (c)`, `while (c)`, `c ? x : y`, `!c`, `c && x`, `c || x` and `Boolean(c)` never call any hook
 * of the object `c` (objects are simply truthy), so tracing would silently take one branch. This
 * check reads the contract's TypeScript with the compiler's type checker and reports every
 * condition whose type is a secret (sbool, sint, sfixed), with its position and the `select` rewrite.
 *
 * Pure: files are read only through the injected `LintHost` (the CLI passes node:fs), and the
 * `typescript` package loads only when a check runs. Only the contract's own file is inspected
 * (helpers in other files are not).
 */
import type * as TS from 'typescript'

export interface LintHost {
  readFile(path: string): string | undefined
  fileExists(path: string): boolean
}

export interface LintDiagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly message: string
}

const SECRET_CLASSES = new Set(['SBool', 'SInt', 'SFixed', 'SecretValue'])
const KIND: Record<string, string> = { SBool: 'sbool', SInt: 'sint', SFixed: 'sfixed', SecretValue: 'secret' }

export async function lintContractSource(fileName: string, host: LintHost): Promise<LintDiagnostic[]> {
  const mod = (await import('typescript')) as unknown as { default?: typeof TS } & typeof TS
  const ts: typeof TS = mod.default ?? mod
  const dirOf = (p: string): string => p.replace(/[\\/][^\\/]*$/, '')
  const options: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    // No standard library: only the secret classes' types matter, and parsing lib.*.d.ts would
    // triple the time. Unresolved globals become `any`, which is never reported.
    noLib: true,
  }
  const libDir = dirOf(ts.getDefaultLibFilePath(options))
  const compilerHost: TS.CompilerHost = {
    getSourceFile: (name, lang) => {
      const text = host.readFile(name)
      return text === undefined ? undefined : ts.createSourceFile(name, text, lang, true)
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    getDefaultLibLocation: () => libDir,
    writeFile: () => {},
    getCurrentDirectory: () => dirOf(fileName),
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => host.fileExists(f),
    readFile: (f) => host.readFile(f),
  }
  const program = ts.createProgram([fileName], options, compilerHost)
  const checker = program.getTypeChecker()
  const sf = program.getSourceFile(fileName)
  if (!sf) return []
  const out: LintDiagnostic[] = []

  const secretKind = (e: TS.Expression): string | undefined => {
    const t = checker.getTypeAtLocation(e)
    for (const part of t.isUnion() ? t.types : [t]) {
      const sym = part.getSymbol()
      if (!sym || !SECRET_CLASSES.has(sym.getName())) continue
      if (sym.getDeclarations()?.some((d) => /[\\/]lang[\\/]secret\.ts$/.test(d.getSourceFile().fileName))) return KIND[sym.getName()]
    }
    return undefined
  }
  const report = (e: TS.Expression, how: string, fix: string): void => {
    const kind = secretKind(e)
    if (!kind) return
    const { line, character } = sf.getLineAndCharacterOfPosition(e.getStart(sf))
    const text = e.getText(sf)
    const shown = text.length > 30 ? text.slice(0, 29) + '…' : text
    out.push({ file: fileName, line: line + 1, column: character + 1, message: `${how.replace('$', shown)} tests a secret ${kind}, which JavaScript treats as always true; ${fix}` })
  }
  const select = 'write select(c, a, b) instead'
  const visit = (node: TS.Node): void => {
    if (ts.isIfStatement(node)) report(node.expression, '`if ($)`', select)
    else if (ts.isWhileStatement(node) || ts.isDoStatement(node)) report(node.expression, '`while ($)`', 'loop a public number of times and select inside')
    else if (ts.isForStatement(node) && node.condition) report(node.condition, '`for (…; $; …)`', 'loop a public number of times and select inside')
    else if (ts.isConditionalExpression(node)) report(node.condition, '`$ ? … : …`', select)
    else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) report(node.operand, '`!$`', 'write c.not() instead')
    else if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      report(node.left, `\`$ ${node.operatorToken.getText(sf)} …\``, 'write c.and(d) / c.or(d), or select(c, a, b)')
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Boolean' && node.arguments[0]) {
      report(node.arguments[0], '`Boolean($)`', 'reveal it or use select(c, a, b)')
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}
