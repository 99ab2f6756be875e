/** The composition root sits on top: nothing below src/app imports it, and src/http imports no domain's routes. */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { isUpward, listFolderImports } from './layers.js';

const SRC = fileURLToPath(new URL('..', import.meta.url));
const imports = listFolderImports(SRC);

it('finds the imports between folders (the scan itself works)', () => {
  expect(imports.some((edge) => edge.from.startsWith('app/') && edge.to.startsWith('contacts/'))).toBe(true);
});

it('no domain, plumbing or db module imports the composition root', () => {
  const intoApp = imports.filter((edge) => edge.to.startsWith('app/') && !edge.from.startsWith('cli/'));
  expect(intoApp).toEqual([]);
});

it('src/http imports no routes and no jobs of a domain', () => {
  const composing = imports.filter((edge) => edge.from.startsWith('http/') && /\.(routes|jobs)\.ts$/.test(edge.to));
  expect(composing).toEqual([]);
});

it('the auth hook imports no domain: the composition root passes the token and session lookups in', () => {
  expect(imports.filter((edge) => edge.from === 'http/auth.ts' && isUpward(edge))).toEqual([]);
});

it('the upward imports left are the known ones: the table types db/schema.ts gathers, typed route deps, text reading interaction kinds', () => {
  const upward = imports.filter(isUpward);
  const unknown = upward.filter((edge) => !edge.from.startsWith('db/') && edge.from !== 'http/routes.ts' && !edge.from.startsWith('text/'));
  expect(unknown).toEqual([]);
  // 18 table types, 3 route deps, 2 from text: the count only goes down.
  expect(upward.length).toBeLessThanOrEqual(23);
});
