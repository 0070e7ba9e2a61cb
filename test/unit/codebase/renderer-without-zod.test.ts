import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The renderer bundles no zod: it trusts main, which validates everything it sends. Follows the
 * run-time imports from the renderer's entry through src/shared, as the bundler does.
 */

const root = resolve(import.meta.dirname, '../../..');
const ENTRY = resolve(root, 'src/renderer/main.tsx');

/** Module specifiers a file loads at run time; with `verbatimModuleSyntax`, `import {}` loads too. */
function runTimeImports(file: string): string[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(node)
        ? node.importClause?.isTypeOnly === true
        : node.isTypeOnly;
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier as the TypeScript file it names, or undefined (a package, a stylesheet). */
function resolveSource(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find(
    (candidate) => /\.tsx?$/.test(candidate) && existsSync(candidate),
  );
}

/** Every source file the entry reaches at run time, with the packages each one imports. */
function renderGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const work = [ENTRY];
  for (let file = work.pop(); file !== undefined; file = work.pop()) {
    if (graph.has(file)) continue;
    const specifiers = runTimeImports(file);
    const packages = specifiers.filter((s) => !s.startsWith('.'));
    graph.set(file, packages);
    for (const specifier of specifiers) {
      const next = resolveSource(file, specifier);
      if (next !== undefined && !graph.has(next)) work.push(next);
    }
  }
  return graph;
}

describe('the renderer bundle', () => {
  const graph = renderGraph();

  it('follows the imports into src/shared', () => {
    const files = [...graph.keys()].map((file) => relative(root, file));
    expect(files).toContain('src/renderer/app.tsx');
    expect(files).toContain('src/shared/errors.ts');
    expect(files).toContain('src/shared/wording-en.ts');
  });

  it('reaches no file that imports zod at run time', () => {
    const withZod = [...graph]
      .filter(([, packages]) => packages.some((p) => p === 'zod' || p.startsWith('zod/')))
      .map(([file]) => relative(root, file));
    expect(withZod).toEqual([]);
  });
});
