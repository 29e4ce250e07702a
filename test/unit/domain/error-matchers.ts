import { expect } from 'vitest';
import type { DomainErrorCode } from '../../../src/domain/index.js';

/** Matches a thrown `DomainError` by its code (typed for `toThrow`). */
export function withCode(code: DomainErrorCode): Error {
  return expect.objectContaining({ code }) as Error;
}
