import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';

/** One import of one file of lib/, both as paths relative to lib/ (`session/request-session.ts`). */
export interface LibImport {
  from: string;
  to: string;
}

/**
 * Every relative import of every `lib/**\/*.ts` file, read by TypeScript's own pre-processor: static
 * imports, `import type`, `export … from`, `import()` and `require()` alike, so that no kind of
 * import slips past the layer rules. Package imports (`@nestjs/common`) are not part of the graph.
 */
export function libImports(lib: string): LibImport[] {
  const imports: LibImport[] = [];
  for (const from of globSync('**/*.ts', { cwd: lib }).sort()) {
    const source = readFileSync(join(lib, from), 'utf8');
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      imports.push({ from, to: resolveImport(lib, from, fileName) });
    }
  }
  return imports;
}

/** `./x` → `x.ts`, or `x/index.ts` for a folder; the path a reader of the code would open. */
function resolveImport(lib: string, from: string, specifier: string): string {
  const target = join(dirname(join(lib, from)), specifier);
  const file = [`${target}.ts`, join(target, 'index.ts'), target].find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
  if (!file) throw new Error(`${from}: cannot resolve the import '${specifier}'`);
  return relative(lib, file);
}

/** The folder of a file directly under lib/ (`session`), or `.` for the module files at its root. */
export function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
}

/** Groups of files that import one another in a loop (Tarjan's strongly connected components of two or more files). */
export function importCycles(imports: LibImport[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of imports) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) visit(to);
      if (onStack.has(to)) low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return cycles;
}
