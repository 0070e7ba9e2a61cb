import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The codebase's shape, read as text (docs/decisions/0020-code-shape.md): no import cycle at run
 * time, no export nothing else imports, a doc comment on every export and of at most three lines
 * anywhere, one name per file.
 */

const root = resolve(import.meta.dirname, '../../..');
const FOLDERS = ['src', 'server', 'scripts', 'bench', 'test'];
const SKIP = new Set(['node_modules', 'out', 'dist', 'release', 'coverage']);
/** Where an export must have an importer: the product's code (entry points export nothing). */
const PRODUCT = /^(src|server)\//;

function sourceFiles(): string[] {
  const found: string[] = readdirSync(root).filter((f) => /\.(c|m)?tsx?$/.test(f));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name)) walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
    }
  };
  FOLDERS.forEach(walk);
  return found.sort();
}

interface FileFacts {
  /** Files this one loads at run time (type-only imports are erased and do not count). */
  readonly loads: Set<string>;
  /** Exported names with their line. */
  readonly exports: Map<string, number>;
  /** Comments longer than three lines, by their first line. */
  readonly longComments: number[];
  /** Exports without a doc comment (a `z.infer` type shares its schema's). */
  readonly undocumented: string[];
}

const files = sourceFiles();
const known = new Set(files);
/** Names each file's exports are imported by, from anywhere; '*' for a whole-module use. */
const importedNames = new Map<string, Set<string>>();

function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = relative(root, resolve(root, dirname(from), specifier)).replace(/\.js$/, '');
  return ['', '.ts', '.tsx', '/index.ts'].map((end) => base + end).find((c) => known.has(c));
}

function noteUse(target: string | undefined, names: readonly string[]): void {
  if (target === undefined) return;
  const used = importedNames.get(target) ?? new Set<string>();
  names.forEach((name) => used.add(name));
  importedNames.set(target, used);
}

function readFacts(file: string): FileFacts {
  const text = readFileSync(join(root, file), 'utf8');
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const facts: FileFacts = {
    loads: new Set(),
    exports: new Map(),
    longComments: [],
    undocumented: [],
  };
  const lineOf = (node: ts.Node): number =>
    source.getLineAndCharacterOfPosition(node.getStart()).line + 1;

  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const target = resolveImport(file, node.moduleSpecifier.text);
      let typeOnly: boolean;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const bindings = clause?.namedBindings;
        const named =
          bindings !== undefined && ts.isNamedImports(bindings) ? bindings.elements : [];
        const names = named.map((e) => (e.propertyName ?? e.name).text);
        if (clause?.name !== undefined) names.push('default');
        if (clause === undefined || (bindings !== undefined && ts.isNamespaceImport(bindings))) {
          names.push('*');
        }
        noteUse(target, names);
        typeOnly =
          clause !== undefined &&
          (clause.isTypeOnly ||
            (clause.name === undefined && named.length > 0 && named.every((e) => e.isTypeOnly)));
      } else {
        const clause = node.exportClause;
        if (clause === undefined || !ts.isNamedExports(clause)) noteUse(target, ['*']);
        else
          noteUse(
            target,
            clause.elements.map((e) => (e.propertyName ?? e.name).text),
          );
        typeOnly = node.isTypeOnly;
      }
      if (target !== undefined && !typeOnly) facts.loads.add(target);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      const target = resolveImport(file, node.arguments[0].text);
      noteUse(target, ['*']);
      if (target !== undefined) facts.loads.add(target);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      const qualifier = node.qualifier;
      const name = qualifier !== undefined && ts.isIdentifier(qualifier) ? qualifier.text : '*';
      noteUse(resolveImport(file, node.argument.literal.text), [name]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier === undefined) {
      const clause = statement.exportClause;
      if (clause !== undefined && ts.isNamedExports(clause)) {
        for (const e of clause.elements) facts.exports.set(e.name.text, lineOf(e));
      }
      continue;
    }
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) continue;
    const inferred =
      ts.isTypeAliasDeclaration(statement) && /^z\.infer</.test(statement.type.getText());
    const leading = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
    if (!inferred && !leading.some((r) => text.startsWith('/**', r.pos))) {
      facts.undocumented.push(`${file}:${lineOf(statement)}`);
    }
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) facts.exports.set(d.name.text, lineOf(statement));
      }
    } else {
      const name = (statement as { name?: ts.Node }).name;
      if (name !== undefined && ts.isIdentifier(name))
        facts.exports.set(name.text, lineOf(statement));
    }
  }

  // A comment's length is its text lines: a block's `/**` and `*/` lines do not count.
  const lines = text.split('\n');
  let run = 0;
  for (let i = 0; i <= lines.length; i += 1) {
    const line = (lines[i] ?? '').trim();
    if (line.startsWith('//')) {
      run += 1;
      continue;
    }
    if (run > 3) facts.longComments.push(i - run + 1);
    run = 0;
    if (line.startsWith('/*') && !line.includes('*/')) {
      const start = i;
      while (i < lines.length && !lines[i]!.includes('*/')) i += 1;
      const bare = (l: string | undefined): boolean => /^\/?\*+\/?$/.test((l ?? '').trim());
      const count = i - start + 1 - (bare(lines[start]) ? 1 : 0) - (bare(lines[i]) ? 1 : 0);
      if (count > 3) facts.longComments.push(start + 1);
    }
  }
  return facts;
}

const facts = new Map(files.map((file) => [file, readFacts(file)]));

/** Strongly connected groups of more than one file in the run-time import graph. */
function cycles(): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  // Iterative Tarjan: each frame is a file and the position in its list of imports.
  for (const start of files) {
    if (index.has(start)) continue;
    const frames: { file: string; edges: string[]; at: number }[] = [];
    const enter = (file: string): void => {
      index.set(file, next);
      low.set(file, next);
      next += 1;
      stack.push(file);
      onStack.add(file);
      frames.push({ file, edges: [...facts.get(file)!.loads], at: 0 });
    };
    enter(start);
    while (frames.length > 0) {
      const frame = frames.at(-1)!;
      const edge = frame.edges[frame.at];
      if (edge !== undefined) {
        frame.at += 1;
        if (!index.has(edge)) enter(edge);
        else if (onStack.has(edge))
          low.set(frame.file, Math.min(low.get(frame.file)!, index.get(edge)!));
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent !== undefined) {
        low.set(parent.file, Math.min(low.get(parent.file)!, low.get(frame.file)!));
      }
      if (low.get(frame.file) === index.get(frame.file)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== frame.file);
        if (group.length > 1) groups.push(group.sort());
      }
    }
  }
  return groups;
}

describe('the shape of the code', () => {
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(300);
    expect(facts.get('server/index.ts')?.loads.size).toBeGreaterThan(0);
  });

  it('has no import cycle at run time', () => {
    expect(cycles()).toEqual([]);
  });

  it('exports nothing from the product that no other file imports', () => {
    const dead: string[] = [];
    for (const [file, { exports }] of facts) {
      if (!PRODUCT.test(file)) continue;
      const used = importedNames.get(file) ?? new Set<string>();
      if (used.has('*')) continue;
      for (const [name, line] of exports) if (!used.has(name)) dead.push(`${file}:${line} ${name}`);
    }
    expect(dead).toEqual([]);
  });

  it('keeps every comment to three lines at most', () => {
    const long = [...facts].flatMap(([file, f]) => f.longComments.map((line) => `${file}:${line}`));
    expect(long).toEqual([]);
  });

  it('documents every export of the product in a comment', () => {
    const undocumented = [...facts]
      .filter(([file]) => PRODUCT.test(file))
      .flatMap(([, f]) => f.undocumented);
    expect(undocumented).toEqual([]);
  });

  it('gives no two product files the same name', () => {
    const byName = new Map<string, string[]>();
    for (const file of files.filter((f) => PRODUCT.test(f))) {
      const name = basename(file);
      if (name !== 'index.ts') byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    expect([...byName.values()].filter((paths) => paths.length > 1)).toEqual([]);
  });
});
