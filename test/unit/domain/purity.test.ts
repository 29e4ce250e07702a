import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The domain runs inside Temporal's deterministic workflow sandbox: no clock, no randomness,
// no I/O, no Node built-ins, no mutable module state.
const root = fileURLToPath(new URL('../../../src/domain/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const forbidden: [RegExp, string][] = [
  [/Date\.now\s*\(/, 'Date.now()'],
  [/new Date\(\s*\)/, 'new Date() without arguments'],
  [/Math\.random/, 'Math.random'],
  [/from\s+['"](node:|fs|path|os|crypto|http|https|child_process)['"/]/, 'Node built-in import'],
  [/\bprocess\./, 'process'],
  [/\brequire\(/, 'require'],
  [/\bsetTimeout|\bsetInterval/, 'timers'],
  [/^(let|var)\s/m, 'module-level mutable binding'],
  [/\bany\b(?=[\s>,)\];|])/, 'any type'],
];

describe('domain purity', () => {
  const files = sourceFiles(root);

  it('finds the domain sources', () => {
    expect(files.length).toBeGreaterThan(15);
  });

  for (const file of files) {
    it(`${relative(root, file)} is deterministic and I/O-free`, () => {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const [pattern, label] of forbidden) {
        expect(pattern.test(code), `${label} in ${relative(root, file)}`).toBe(false);
      }
    });
  }
});
