/**
 * Which way the imports between top-level folders of src/ point. Layers from the bottom:
 * shared plumbing (errors, config, db, text, shared, http), the domains, then the
 * composition root (app) and the CLI on top. An import pointing upward is what the layers
 * test counts; tests and test fixtures may assemble anything and are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const TOP = new Set(['app', 'cli']);
const PLUMBING = new Set(['errors.ts', 'config.ts', 'db', 'text', 'shared', 'http', 'test']);

export interface FolderImport {
  from: string;
  to: string;
}

function folderOf(srcDir: string, file: string): string {
  return relative(srcDir, file).split(sep)[0] ?? '';
}

function rank(folder: string): number {
  if (TOP.has(folder)) return 2;
  if (PLUMBING.has(folder)) return 0;
  return 1;
}

function isTestFile(path: string): boolean {
  return /\.test\.ts$|(^|\/)test-[^/]*\.ts$/.test(path) || path.split(sep).includes('test');
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every import (static or dynamic) from one top-level folder of src/ into another, tests left out. */
export function listFolderImports(srcDir: string): FolderImport[] {
  const imports: FolderImport[] = [];
  for (const file of walk(srcDir)) {
    if (isTestFile(relative(srcDir, file))) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1] as string);
      const from = relative(srcDir, file);
      const to = relative(srcDir, target).replace(/\.js$/, '.ts');
      if (folderOf(srcDir, file) !== folderOf(srcDir, target)) imports.push({ from, to });
    }
  }
  return imports;
}

/** Imports from a lower layer into a higher one: plumbing into a domain or the top, a domain into the top. */
export function isUpward(edge: FolderImport): boolean {
  return rank(edge.from.split(sep)[0] ?? '') < rank(edge.to.split(sep)[0] ?? '');
}
