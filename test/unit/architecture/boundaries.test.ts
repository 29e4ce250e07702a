import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { SubscriptionStatus } from '../../../src/generated/prisma/enums.js';
import { projectRoot } from '../../../src/project-root.js';
import { SUBSCRIPTION_STATUSES } from '../../../workflows/subscription-status.js';

/**
 * The layering the design promises (api → billing commands / temporal client → workflows →
 * activities → billing → db → domain), checked on the code itself: the lint rules reject each
 * forbidden import, no module imports itself through a cycle, and the rules that must live in one
 * place do.
 */

const SOURCE_DIRS = ['src', 'workflows', 'activities', 'workers'];

function sourceFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (path.startsWith(join('src', 'generated'))) return [];
      if (entry.isDirectory()) return walk(path);
      return path.endsWith('.ts') ? [path] : [];
    });
  return SOURCE_DIRS.flatMap(walk);
}

const read = (path: string) => readFileSync(join(projectRoot, path), 'utf8');

// Type-aware rules need files on disk; the boundary rules do not, so the probes lint without types.
const eslint = new ESLint({ cwd: projectRoot, overrideConfig: [{ ...tseslint.configs.disableTypeChecked, files: ['**/*.ts'] }] });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(projectRoot, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.ruleId ?? '');
}

describe('lint rules guard every boundary', () => {
  it.each([
    ['an activity under src/api', 'src/api/routes/probe.ts', "import { createActivities } from '../../../activities/index.js';\nexport const x = createActivities;\n"],
    ['Prisma under src/api', 'src/api/routes/probe.ts', "import type { PrismaClient } from '../../db/prisma-client.js';\nexport type X = PrismaClient;\n"],
    ['a query under src/api', 'src/api/routes/probe.ts', 'export const list = (deps: { prisma: { invoice: { findMany(): unknown } } }) => deps.prisma.invoice.findMany();\n'],
    ['Temporal under src/api', 'src/api/routes/probe.ts', "import { Client } from '@temporalio/client';\nexport const x = Client;\n"],
    ['src/api under src/payments', 'src/payments/probe.ts', "import { errorBody } from '../api/errors.js';\nexport const x = errorBody;\n"],
    ['a Node built-in in a workflow', 'workflows/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
    ['an activity value in a workflow', 'workflows/probe.ts', "import { createActivities } from '../activities/index.js';\nexport const x = createActivities;\n"],
    ['an impure src module in a workflow', 'workflows/probe.ts', "import { runInTransaction } from '../src/billing/db.js';\nexport const x = runInTransaction;\n"],
    ['Temporal in a billing operation', 'src/billing/invoices/probe.ts', "import { Client } from '@temporalio/client';\nexport const x = Client;\n"],
    ['a workflow value in billing', 'src/billing/subscriptions/probe.ts', "import { subscriptionWorkflow } from '../../../workflows/subscription.js';\nexport const x = subscriptionWorkflow;\n"],
    ['the API in an activity', 'activities/probe.ts', "import { createApp } from '../src/api/app.js';\nexport const x = createApp;\n"],
    ['local tooling in production code', 'src/temporal/probe.ts', "import { startReaper } from '../devtools/process/reaper-client.js';\nexport const x = startReaper;\n"],
  ])('rejects %s', async (_what, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).not.toEqual([]);
  });

  it.each([
    ['a billing operation from a route', 'src/api/routes/probe.ts', "import { getInvoice } from '../../billing/invoices/get-invoice.js';\nexport const x = getInvoice;\n"],
    ['the domain in a workflow', 'workflows/probe.ts', "import { zeroMoney } from '../src/domain/index.js';\nexport const x = zeroMoney;\n"],
    ['activity types in a workflow', 'workflows/probe.ts', "import type { BillingActivities } from '../activities/index.js';\nexport type X = BillingActivities;\n"],
    ['workflow message types in a billing command', 'src/billing/subscriptions/probe.ts', "import type { CancelRequest } from '../../../workflows/subscription-messages.js';\nexport type X = CancelRequest;\n"],
  ])('allows %s', async (_what, filePath, code) => {
    expect(await boundaryErrors(filePath, code)).toEqual([]);
  });
});

/** Every relative import (type-only ones included) as a graph of project files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const { importedFiles } = ts.preProcessFile(read(file), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => relative(projectRoot, resolve(projectRoot, dirname(file), name.replace(/\.js$/, '.ts'))))
      .filter((target) => existsSync(join(projectRoot, target)));
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe('the module graph', () => {
  it('has no import cycles, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(200);
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check can fail)', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});

describe('rules that live in one place', () => {
  it('assigns subscription status in workflows/subscription-status.ts only', () => {
    const writers = sourceFiles()
      .filter((file) => file.startsWith('workflows'))
      .filter((file) => /\.status\s*=[^=]/.test(read(file)));
    expect(writers).toEqual([join('workflows', 'subscription-status.ts')]);
  });

  it('writes the credit ledger in src/billing/credit/credit-ledger.ts only', () => {
    const writers = sourceFiles().filter((file) => /creditBalanceTransaction\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\(/.test(read(file)));
    expect(writers).toEqual([join('src', 'billing', 'credit', 'credit-ledger.ts')]);
  });

  it('lists subscription statuses once, as the database knows them', () => {
    expect([...SUBSCRIPTION_STATUSES].sort()).toEqual(Object.values(SubscriptionStatus).sort());
  });
});
