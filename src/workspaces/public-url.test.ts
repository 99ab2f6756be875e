import { describe, expect, it } from 'vitest';
import { PublicUrlSchema } from './workspaces.schema.js';

describe('the public_url setting', () => {
  it.each([
    ['https://crm.example.com/', 'https://crm.example.com'],
    ['  https://example.com/rapport/ ', 'https://example.com/rapport'],
    ['http://localhost:4321', 'http://localhost:4321'],
  ])('keeps %j as %j', (input, stored) => {
    expect(PublicUrlSchema.parse(input)).toBe(stored);
  });

  it.each(['http://crm.example.com', 'ftp://crm.example.com', 'crm.example.com', 'https://crm.example.com/?a=1', 'https://crm.example.com/#x', 'https://me:pw@crm.example.com'])(
    'refuses %j',
    (input) => {
      expect(PublicUrlSchema.safeParse(input).success).toBe(false);
    },
  );
});
