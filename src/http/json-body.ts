/**
 * The JSON body parser. Beyond JSON.parse it refuses, with a 400 naming where: nesting deeper
 * than MAX_DEPTH (deep JSON exhausts the stack of recursive code downstream), prototype keys
 * (`__proto__`, `constructor`, `prototype`), NUL characters and lone surrogates (PostgreSQL
 * text cannot store them, and they are never meaningful).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

export const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /\p{Cs}/u;

function fail(where: string, reason: string): never {
  throw new AppError('bad_input', `${where}: ${reason}`, [{ where, reason }]);
}

export function checkString(text: string, where: string) {
  if (text.includes('\0') || LONE_SURROGATE.test(text)) fail(where, 'contains a NUL character or a lone surrogate');
}

/** Walks a parsed value without recursion. */
export function checkJsonValue(root: unknown, rootName = 'body') {
  const stack: [unknown, string, number][] = [[root, rootName, 0]];
  while (stack.length > 0) {
    const [value, where, depth] = stack.pop()!;
    if (typeof value === 'string') {
      checkString(value, where);
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) fail(where, `nested deeper than ${MAX_DEPTH} levels`);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) stack.push([value[i], `${where}.${i}`, depth + 1]);
      } else {
        for (const key of Object.keys(value)) {
          if (FORBIDDEN_KEYS.has(key)) fail(`${where}.${key}`, 'this key is not allowed');
          checkString(key, `${where} key`);
          stack.push([(value as Record<string, unknown>)[key], `${where}.${key}`, depth + 1]);
        }
      }
    }
  }
}

export function registerJsonParser(app: FastifyInstance) {
  // JSON only: a text/plain body would otherwise reach the schemas as a string (415 instead).
  app.removeContentTypeParser(['application/json', 'text/plain']);
  const parse = (_req: FastifyRequest, text: string, done: (error: Error | null, value?: unknown) => void) => {
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(new AppError('bad_input', `body: not valid JSON (${(error as Error).message})`, [{ where: 'body', reason: 'not valid JSON' }]));
    }
    try {
      checkJsonValue(value);
    } catch (error) {
      return done(error as Error);
    }
    done(null, value);
  };
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parse);
  app.addContentTypeParser(/^application\/[\w.+-]*\+json$/, { parseAs: 'string' }, parse);
}

/** Query strings and path parameters get the same character checks as bodies. */
export async function checkUrlInput(request: FastifyRequest) {
  for (const [name, source] of [['query', request.query], ['params', request.params]] as const) {
    if (source && typeof source === 'object') {
      for (const [key, value] of Object.entries(source)) {
        checkString(key, `${name} key`);
        if (FORBIDDEN_KEYS.has(key)) fail(`${name}.${key}`, 'this key is not allowed');
        for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') checkString(v, `${name}.${key}`);
      }
    }
  }
}
