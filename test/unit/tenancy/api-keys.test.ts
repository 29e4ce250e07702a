import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiKeyHashesMatch, generateApiKeySecret, hashApiKey } from '../../../src/tenancy/api-keys.js';
import { newId } from '../../../src/ids.js';

describe('API key secrets', () => {
  it('have the documented shape and differ every time', () => {
    const secrets = new Set(Array.from({ length: 200 }, () => generateApiKeySecret()));
    expect(secrets.size).toBe(200);
    for (const secret of secrets) expect(secret).toMatch(/^dbk_[0-9A-Za-z]{40}$/);
  });

  it('are stored as their SHA-256 hex digest', () => {
    // Independent reference: the SHA-256 of the ASCII string "dbk_example".
    const expected = createHash('sha256').update('dbk_example').digest('hex');
    expect(hashApiKey('dbk_example')).toBe(expected);
    expect(hashApiKey('dbk_example')).toHaveLength(64);
  });

  it('compare hashes in constant time and only equal hashes match', () => {
    expect(apiKeyHashesMatch(hashApiKey('a'), hashApiKey('a'))).toBe(true);
    expect(apiKeyHashesMatch(hashApiKey('a'), hashApiKey('b'))).toBe(false);
    expect(apiKeyHashesMatch(hashApiKey('a'), 'abcd')).toBe(false);
  });
});

describe('newId', () => {
  it('prefixes ids with what they name', () => {
    expect(newId('ten')).toMatch(/^ten_[0-9A-Za-z]{22}$/);
  });
});
