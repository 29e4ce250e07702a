import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useApiHarness, type ApiHarness, type ApiTenant } from '../../support/api-harness.js';
import { eventually } from '../../support/subscription-harness.js';

/**
 * Property-based fuzzing of every POST and PUT body of the /v1 API, over the real app (real
 * Postgres, time-skipping Temporal, Stripe sandbox). The routes come from GET /openapi.json, so a
 * new route is fuzzed without touching this file (with a body synthesised from its schema when no
 * hand-written valid body is listed below).
 *
 * The property, for every request: the status is not 5xx; every non-2xx answer has the error
 * shape `{error:{code: string, message: string, details: array}}`; a 400 names at least one field
 * in `details`; a request naming another tenant's resource never succeeds; nothing pollutes
 * Object.prototype.
 *
 * Reproduce: FUZZ_SEED=<seed> (default below; fast-check prints each route's seed and path on
 * failure), FUZZ_RUNS=<bodies per route>. The bugs it found are regression tests at the end.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
/** Per route: 23 routes today, so 1,840 bodies, in 10 to 20 s. */
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 80);
const MIN_BODIES = 1000;

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

// ---------------------------------------------------------------------------------------------
// Body representation: a tree whose objects are Maps (so "__proto__" is just a key) and whose
// leaves may be raw JSON text (-0, 2**53+1, 1e309, lone surrogates, 100,000 levels of nesting).

class Raw {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 60 ? `Raw(${this.text.slice(0, 40)}…${this.text.length} chars)` : `Raw(${this.text})`;
  }
}

type Tree = null | boolean | number | string | Raw | Tree[] | Map<string, Tree>;

function toTree(value: unknown): Tree {
  if (Array.isArray(value)) return value.map(toTree);
  if (value instanceof Raw) return value;
  if (value !== null && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toTree(v)]));
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return null;
  return value as Tree;
}

function render(tree: Tree): string {
  if (tree instanceof Raw) return tree.text;
  if (Array.isArray(tree)) return `[${tree.map(render).join(',')}]`;
  if (tree instanceof Map) return `{${[...tree].map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',')}}`;
  return JSON.stringify(tree) ?? 'null';
}

function clone(tree: Tree): Tree {
  if (Array.isArray(tree)) return tree.map(clone);
  if (tree instanceof Map) return new Map([...tree].map(([k, v]) => [k, clone(v)]));
  return tree;
}

type Path = Array<string | number>;

/** Every node of the tree, root first. */
function paths(tree: Tree, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(tree)) tree.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (tree instanceof Map) for (const [k, v] of tree) out.push(...paths(v, [...prefix, k]));
  return out;
}

function at(tree: Tree, path: Path): Tree {
  let node = tree;
  for (const step of path) node = Array.isArray(node) ? (node[step as number] ?? null) : node instanceof Map ? (node.get(step as string) ?? null) : null;
  return node;
}

/** Replaces the node at `path` (returns the new root, for the root itself); undefined deletes. */
function put(tree: Tree, path: Path, value: Tree | undefined): Tree {
  if (path.length === 0) return value ?? null;
  const parent = at(tree, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(last as number, 1);
    else parent[last as number] = value;
  } else if (parent instanceof Map) {
    if (value === undefined) parent.delete(last as string);
    else parent.set(last as string, value);
  }
  return tree;
}

function deepText(depth: number, kind: 'object' | 'array'): string {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
/** A payload that would show up on every object if a merge walked into Object.prototype. */
const pollutionPayload = new Map<string, Tree>([
  ['fuzzPolluted', true],
  ['prototype', new Map<string, Tree>([['fuzzPolluted', true]])],
]);

const nastyConstants: Tree[] = [
  null,
  true,
  false,
  0,
  1,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '\u0000',
  'abc\u0000def',
  'a'.repeat(10_000),
  '💥'.repeat(300),
  '\u202eRTL\u200b',
  'ñandú',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '${7*7}',
  'usd',
  'USD',
  'now',
  'month',
  '2030-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  [],
  new Map(),
  [[[]]],
  [null],
  pollutionPayload,
];

const rawLiterals = [
  '-0',
  '-0.0',
  '9007199254740993', // 2**53 + 1: not a double
  '1e308',
  '1e309', // Infinity once parsed
  '-1e309',
  '1e-400',
  '123456789012345678901234567890',
  '0.30000000000000004',
  '"\\ud800"', // a lone surrogate
  '"\\udfff\\ud800"',
  '"\\u0000"',
].map((text) => new Raw(text));

const deepValue: fc.Arbitrary<Tree> = fc
  .tuple(fc.constantFrom(3, 64, 1000, 10_000, 100_000), fc.constantFrom<'object' | 'array'>('object', 'array'))
  .map(([depth, kind]) => new Raw(deepText(depth, kind)));

const nastyValue: fc.Arbitrary<Tree> = fc.oneof(
  { arbitrary: fc.constantFrom(...nastyConstants), weight: 6 },
  { arbitrary: fc.constantFrom(...rawLiterals), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map(toTree), weight: 2 },
  { arbitrary: fc.integer().map((n) => n as Tree), weight: 1 },
  { arbitrary: fc.double().map((n) => n as Tree), weight: 1 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => s as Tree), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s as Tree), weight: 1 },
  { arbitrary: deepValue, weight: 1 },
);

const extraKey = fc.oneof(
  { arbitrary: fc.constantFrom(...POLLUTION_KEYS), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.constantFrom('', ' ', 'a'.repeat(500), '\u0000', 'id', 'tenantId', 'object', 'status'), weight: 1 },
);

type MutationOp = 'drop' | 'replace' | 'extra_key' | 'array_for_object' | 'object_for_array' | 'deep' | 'foreign_ids';

interface Mutation {
  op: MutationOp;
  pick: number;
  value: Tree;
  key: string;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>('drop', 'drop', 'replace', 'replace', 'replace', 'extra_key', 'extra_key', 'array_for_object', 'object_for_array', 'deep', 'foreign_ids'),
  pick: fc.nat(),
  value: nastyValue,
  key: extraKey,
});

function applyMutation(tree: Tree, m: Mutation, foreignOf: ReadonlyMap<string, string>): Tree {
  const all = paths(tree);
  const inner = all.filter((p) => p.length > 0);
  const pick = <T>(list: T[]): T | undefined => (list.length === 0 ? undefined : list[m.pick % list.length]);
  switch (m.op) {
    case 'drop': {
      const path = pick(inner.filter((p) => at(tree, p.slice(0, -1)) instanceof Map));
      return path === undefined ? tree : put(tree, path, undefined);
    }
    case 'replace': {
      const path = pick(inner) ?? [];
      return put(tree, path, clone(m.value));
    }
    case 'extra_key': {
      const path = pick(all.filter((p) => at(tree, p) instanceof Map));
      const node = path === undefined ? undefined : at(tree, path);
      if (node instanceof Map) node.set(m.key, clone(m.value));
      return tree;
    }
    case 'array_for_object': {
      const path = pick(all.filter((p) => at(tree, p) instanceof Map)) ?? [];
      return put(tree, path, [at(tree, path)]);
    }
    case 'object_for_array': {
      const path = pick(all.filter((p) => Array.isArray(at(tree, p))));
      if (path === undefined) return put(tree, [], [tree]);
      const list = at(tree, path) as Tree[];
      return put(tree, path, list[0] ?? new Map());
    }
    case 'deep': {
      const path = pick(inner) ?? [];
      const depth = [10, 1000, 100_000][m.pick % 3]!;
      return put(tree, path, new Raw(deepText(depth, m.pick % 2 === 0 ? 'object' : 'array')));
    }
    case 'foreign_ids': {
      for (const path of all) {
        const node = at(tree, path);
        if (typeof node === 'string' && foreignOf.has(node)) tree = put(tree, path, foreignOf.get(node) ?? node);
      }
      return tree;
    }
  }
}

interface FuzzBody {
  kind: string;
  /** undefined: no body at all. */
  text: string | undefined;
  /** null: no Content-Type header. */
  contentType: string | null;
  /** Another tenant's id is in the body. */
  foreign: boolean;
  describe: string;
}

function jsonBody(kind: string, text: string | undefined, foreign = false, describe = text ?? '(none)'): FuzzBody {
  return { kind, text, contentType: 'application/json', foreign, describe };
}

function preview(text: string | undefined): string {
  if (text === undefined) return '(no body)';
  return text.length > 300 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}

function safeStringify(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

const RAW_BODIES = [
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"a":1',
  '{"a":}',
  "{'currency':'usd'}",
  '{"a":1,}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  'undefined',
  'NaN',
  'Infinity',
  '\u0000',
  '\uFEFF{}',
  'true',
  '"a string"',
  '123',
  'null',
  '[]',
  '{}',
  'currency=usd&email=a%40example.com',
  '<?xml version="1.0"?><customer/>',
  '--boundary\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--boundary--',
  `{"a":"${'x'.repeat(1_100_000)}"}`, // over the 1 MB limit
];

const WRONG_CONTENT_TYPES: Array<string | null> = [
  null,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=boundary',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/jsonp',
  'json',
  '*/*',
];

function bodyArbitrary(valid: unknown, foreignOf: ReadonlyMap<string, string>): fc.Arbitrary<FuzzBody> {
  const validText = render(toTree(valid));
  const hasForeign = (text: string) => [...foreignOf.values()].some((id) => text.includes(id));
  const mutated = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
    let tree = clone(toTree(valid));
    for (const m of ms) tree = applyMutation(tree, m, foreignOf);
    const text = render(tree);
    return jsonBody(`mutation:${ms.map((m) => m.op).join('+')}`, text, hasForeign(text), `${ms.map((m) => `${m.op}(${render(m.value).slice(0, 30)}|${m.key.slice(0, 20)})`).join(', ')} → ${preview(text)}`);
  });
  const jsonValues = fc.jsonValue().map((v) => jsonBody('json_value', safeStringify(v) ?? 'null'));
  const anything = fc
    .anything({ withBoxedValues: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withUnicodeString: true, withDate: true })
    .map((v) => {
      const text = safeStringify(v);
      return text === undefined ? { kind: 'anything', text: undefined, contentType: null, foreign: false, describe: '(anything: not serialisable, no body)' } : jsonBody('anything', text);
    });
  const raw = fc
    .oneof(
      { arbitrary: fc.constantFrom(...RAW_BODIES), weight: 4 },
      { arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
      { arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')), weight: 1 },
    )
    .map((text) => jsonBody('raw', text));
  const wrongContentType = fc
    .tuple(fc.constantFrom(...WRONG_CONTENT_TYPES), fc.constantFrom(validText, '{}', 'currency=usd', ''))
    .map(([contentType, text]): FuzzBody => ({ kind: 'content_type', text, contentType, foreign: false, describe: `Content-Type ${JSON.stringify(contentType)}: ${preview(text)}` }));
  const empty = fc.constantFrom<FuzzBody>(
    { kind: 'empty', text: undefined, contentType: null, foreign: false, describe: 'no body, no Content-Type' },
    { kind: 'empty', text: undefined, contentType: 'application/json', foreign: false, describe: 'no body, Content-Type JSON' },
    { kind: 'empty', text: '', contentType: 'application/json', foreign: false, describe: 'empty body, Content-Type JSON' },
  );
  return fc.oneof(
    { arbitrary: mutated, weight: 8 },
    { arbitrary: jsonValues, weight: 2 },
    { arbitrary: anything, weight: 2 },
    { arbitrary: raw, weight: 2 },
    { arbitrary: wrongContentType, weight: 2 },
    { arbitrary: empty, weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------
// Seeding: two tenants with one of everything, through the API itself.

interface TenantIds {
  customerId: string[];
  productId: string[];
  priceId: string[];
  couponId: string[];
  subscriptionId: string[];
  invoiceId: string[];
  meterId: string[];
}

async function ok(response: Promise<{ status: number; body: any }>, label: string): Promise<any> {
  const r = await response;
  if (r.status >= 300) throw new Error(`seeding ${label}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function seedTenant(t: ApiTenant, label: string): Promise<{ ids: TenantIds; couponCode: string; openInvoiceId: string | null }> {
  const post = (path: string, body: unknown) => ok(api.request('POST', path, { key: t.key, body }), `${label} ${path}`);
  const customer = await post('/v1/customers', { currency: 'usd', email: `${label}@example.com` });
  await post(`/v1/customers/${customer.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' });
  const failing = await post('/v1/customers', { currency: 'usd', email: `${label}-failing@example.com` });
  // Attaches fine, declines every charge: its subscription's first invoice stays open.
  await post(`/v1/customers/${failing.id}/default-payment-method`, { paymentMethodId: 'pm_card_chargeCustomerFail' });
  const product = await post('/v1/products', { name: `${label} plan` });
  const price = await post('/v1/prices', { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 2000 }, interval: { unit: 'month' } });
  const price2 = await post('/v1/prices', { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 5000 }, interval: { unit: 'month' } });
  const meter = await post('/v1/meters', { key: 'api_calls', aggregation: 'count' });
  const couponCode = `${label.toUpperCase()}10`;
  const coupon = await post('/v1/coupons', { code: couponCode, percentOff: '10', duration: 'forever' });
  const paying = await post('/v1/subscriptions', { customerId: customer.id, items: [{ priceId: price.id }] });
  const declining = await post('/v1/subscriptions', { customerId: failing.id, items: [{ priceId: price.id }], trialDays: 0 });
  const invoiceOf = async (subscriptionId: string, status: string) => {
    const list = await eventually(
      () => api.request('GET', `/v1/invoices?subscriptionId=${subscriptionId}`, { key: t.key }),
      (r) => r.body.data?.some((i: any) => i.status === status) === true,
      20_000,
    );
    return (list.body.data as any[]).find((i) => i.status === status)?.id as string | undefined;
  };
  const paid = await invoiceOf(paying.id, 'paid');
  const open = await invoiceOf(declining.id, 'open');
  if (paid === undefined) throw new Error(`seeding ${label}: no paid invoice`);
  return {
    ids: {
      customerId: [customer.id, failing.id],
      productId: [product.id],
      priceId: [price.id, price2.id],
      couponId: [coupon.id],
      subscriptionId: [paying.id, declining.id],
      invoiceId: open === undefined ? [paid] : [open, paid],
      meterId: [meter.id],
    },
    couponCode,
    openInvoiceId: open ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Routes and their valid bodies.

interface Route {
  method: 'POST' | 'PUT';
  path: string;
  params: string[];
  bodyRequired: boolean;
  schema: unknown;
}

/** Valid bodies for today's routes; `ids` are the fuzzing tenant's own. Later routes get a synthesised one. */
function validBodies(ids: TenantIds, couponCode: string, future: string): Record<string, unknown[]> {
  const [customerId] = ids.customerId;
  const [price, price2] = ids.priceId;
  return {
    'POST /v1/customers': [{ currency: 'usd', email: 'fuzz@example.com', name: 'Fuzz', taxJurisdiction: 'US-CA', externalId: null, metadata: { plan: 'pro', seats: 3, vip: true, none: null } }],
    'POST /v1/customers/{customerId}': [{ name: 'Renamed', email: 'renamed@example.com', metadata: { a: 'b' } }],
    'POST /v1/customers/{customerId}/payment-method-setups': [{}],
    'POST /v1/customers/{customerId}/default-payment-method': [{ paymentMethodId: 'pm_card_visa' }],
    'POST /v1/products': [{ name: 'Fuzz plan', description: 'Fuzzed', metadata: { tier: 'gold' } }],
    'POST /v1/products/{productId}': [{ name: 'Renamed plan', description: null }],
    'POST /v1/products/{productId}/archive': [{}],
    'POST /v1/prices': [
      { productId: ids.productId[0], currency: 'USD', pricing: { model: 'flat', amount: 1500 }, interval: { unit: 'month', count: 1 }, trialDays: 7, nickname: 'monthly' },
      {
        productId: ids.productId[0],
        currency: 'usd',
        pricing: { model: 'graduated', tiers: [{ upTo: 10, unitAmount: 100, flatAmount: '0.5' }, { upTo: null, unitAmount: '50.25' }], includedUnits: 0 },
        interval: { unit: 'year', count: 1 },
        usageType: 'licensed',
      },
      { productId: ids.productId[0], currency: 'USD', pricing: { model: 'package', packageAmount: 1000, packageSize: 10 }, interval: { unit: 'week', count: 2 }, usageType: 'metered', meterId: ids.meterId[0] },
      { productId: ids.productId[0], currency: 'USD', pricing: { model: 'percentage', percentage: '2.9', fixedAmount: 30, maxAmountPerTransaction: 10_000 }, interval: { unit: 'day', count: 30 } },
    ],
    'POST /v1/prices/{priceId}/archive': [{}],
    'POST /v1/subscriptions': [{ customerId, items: [{ priceId: price, quantity: 2 }], trialDays: 14, startAt: future }],
    'POST /v1/subscriptions/{subscriptionId}/preview-change': [{ items: [{ priceId: price2, quantity: 2 }], prorationBehavior: 'create_prorations', effective: 'now' }],
    'POST /v1/subscriptions/{subscriptionId}/change': [{ items: [{ priceId: price2, quantity: 1 }], prorationBehavior: 'none', effective: 'period_end' }],
    'POST /v1/subscriptions/{subscriptionId}/cancel': [{ mode: 'period_end', prorate: false }],
    'POST /v1/subscriptions/{subscriptionId}/pause': [{}],
    'POST /v1/subscriptions/{subscriptionId}/resume': [{}],
    'POST /v1/invoices': [{ customerId, items: [{ description: 'Fuzz one-off', unitAmount: 1500, quantity: 2, periodStart: future, periodEnd: '2099-01-01T00:00:00Z' }, { description: 'Seats', priceId: price, quantity: 3 }] }],
    'POST /v1/customers/{customerId}/invoice-items': [{ description: 'Fuzz item', unitAmount: -250 }, { description: 'Priced', priceId: price2, quantity: 4 }],
    'POST /v1/invoices/{invoiceId}/credit-notes': [{ amount: 100, reason: 'other', outcome: 'credit_balance' }, { lines: [{ invoiceLineId: 'il_x', quantity: 1 }], reason: 'duplicate' }],
    'POST /v1/api-keys': [{ name: 'fuzz key', role: 'read_only' }],
    'POST /v1/invoices/{invoiceId}/pay': [{}],
    'POST /v1/invoices/{invoiceId}/void': [{}],
    'POST /v1/coupons': [
      { code: 'FUZZ_R', name: 'Fuzz', percentOff: '12.5', duration: 'repeating', durationInPeriods: 3, maxRedemptions: 10, redeemBy: future },
      { code: 'FUZZ_A', amountOff: 500, currency: 'USD', duration: 'once' },
    ],
    'POST /v1/coupons/{couponId}/archive': [{}],
    'POST /v1/customers/{customerId}/discounts': [{ couponId: ids.couponId[0] }],
    'POST /v1/subscriptions/{subscriptionId}/discounts': [{ code: couponCode }],
    'POST /v1/customers/{customerId}/credit-balance/adjustments': [{ amount: 500, currency: 'USD', reason: 'fuzz goodwill' }],
    'POST /v1/meters': [
      { key: 'fuzz_bytes', eventName: 'request', displayName: 'Bytes', aggregation: 'sum', valueProperty: 'bytes', filters: [{ property: 'region', in: ['eu', 'us'] }] },
      { key: 'fuzz_users', aggregation: 'unique_count', uniqueProperty: 'user_id' },
    ],
    'POST /v1/meters/{meterId}': [{ displayName: 'Calls' }],
    'POST /v1/meters/{meterId}/archive': [{}],
    'POST /v1/usage-events': [{ transactionId: 'fuzz-tx-1', eventName: 'api_calls', customerId, properties: { region: 'eu', bytes: 12.5 } }],
    'POST /v1/usage-events/batch': [{ events: [{ transactionId: 'fuzz-tx-2', eventName: 'api_calls', customerId }, { transactionId: 'fuzz-tx-3', eventName: 'api_calls', subscriptionId: ids.subscriptionId[0], properties: { n: 1 } }] }],
    'PUT /v1/billing-settings': [{ usageGracePeriodHours: 2 }],
    'PUT /v1/dunning-policy': [
      { retryOffsetsDays: [1, 3, 5], maxAttempts: 4, hardDeclineCodes: ['stolen_card'], finalAction: 'mark_unpaid', invoiceFinalState: 'uncollectible', trialEndWithoutPaymentMethod: 'cancel' },
    ],
  };
}

/** A schema-valid-looking example from the OpenAPI schema, for routes this file does not know yet. */
function exampleFromSchema(schema: any, doc: any, depth = 0): unknown {
  if (schema === undefined || schema === null || depth > 8) return {};
  if (typeof schema.$ref === 'string') return exampleFromSchema(doc.components?.schemas?.[schema.$ref.split('/').pop()], doc, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(schema[key])) return exampleFromSchema(schema[key][0], doc, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<any>(schema.properties ?? {})) out[name] = exampleFromSchema(property, doc, depth + 1);
      return out;
    }
    case 'array':
      return [exampleFromSchema(schema.items, doc, depth + 1)];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(1, schema.minimum) : 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'email') return 'fuzz@example.com';
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      return 'fuzz';
    default:
      return {};
  }
}

function routesOf(doc: any): Route[] {
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries<any>(doc.paths ?? {})) {
    for (const method of ['post', 'put'] as const) {
      const op = operations[method];
      if (op === undefined || path.startsWith('/v1/webhooks/')) continue; // webhooks are signed by Stripe, tested elsewhere
      const params = ((op.parameters ?? []) as any[]).filter((p) => p.in === 'path').map((p) => p.name as string);
      routes.push({ method: method.toUpperCase() as 'POST' | 'PUT', path, params, bodyRequired: op.requestBody?.required === true, schema: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  // Routes that end or freeze what they act on go last, so the others fuzz live resources.
  const rank = (path: string) => {
    const last = path.split('/').pop() ?? '';
    return last === 'pause' ? 1 : last === 'resume' ? 2 : ['archive', 'cancel', 'void'].includes(last) ? 3 : 0;
  };
  return routes.sort((a, b) => rank(a.path) - rank(b.path));
}

// ---------------------------------------------------------------------------------------------
// The property.

interface Sent {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

async function send(method: string, path: string, key: string, body: FuzzBody, idempotencyKey: string | null): Promise<Sent> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body.contentType !== null) headers['content-type'] = body.contentType;
  if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
  const response = await api.app.request(path, { method, headers, ...(body.text === undefined ? {} : { body: body.text }) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** A request with no answer by then fails the property instead of the whole test timing out. */
const REQUEST_TIMEOUT_MS = 30_000;

async function withTimeout<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(message)), REQUEST_TIMEOUT_MS)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Undefined when the response is acceptable; else what is wrong. */
function problemWith(r: Sent, foreign: boolean): string | undefined {
  if (r.status >= 500) return `status ${r.status} (5xx)`;
  if (r.status < 200 || r.status >= 300) {
    const error = r.body?.error;
    if (error === undefined || error === null || typeof error !== 'object') return `non-2xx ${r.status} without the error shape: ${preview(r.text)}`;
    if (typeof error.code !== 'string' || error.code === '') return `error.code is not a string: ${preview(r.text)}`;
    if (typeof error.message !== 'string') return `error.message is not a string: ${preview(r.text)}`;
    if (!Array.isArray(error.details)) return `error.details is not an array: ${preview(r.text)}`;
    if (r.status === 400 && !error.details.some((d: any) => typeof d?.field === 'string' && d.field !== '')) return `400 without a detail naming a field: ${preview(r.text)}`;
  } else {
    if (foreign) return `another tenant's id was accepted (${r.status}): ${preview(r.text)}`;
    if (r.body === undefined) return `2xx body is not JSON: ${preview(r.text)}`;
  }
  if (({} as Record<string, unknown>).fuzzPolluted !== undefined || Object.getOwnPropertyNames(Object.prototype).length !== PROTOTYPE_KEYS) return 'Object.prototype was polluted';
  return undefined;
}
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).length;

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h >>> 0;
}

describe('fuzzing every POST/PUT body', () => {
  it('never answers 5xx, always with the error shape, and a 400 names a field', { timeout: 180_000 }, async () => {
    const started = Date.now();
    const own = await api.tenant();
    const other = await api.tenant();
    const [mine, theirs] = await Promise.all([seedTenant(own, 'fuzz'), seedTenant(other, 'other')]);
    const foreignOf = new Map<string, string>();
    for (const name of Object.keys(mine.ids) as Array<keyof TenantIds>) mine.ids[name].forEach((id, i) => foreignOf.set(id, theirs.ids[name][i] ?? theirs.ids[name][0]!));
    const foreignIds = new Set(foreignOf.values());
    const seededMs = Date.now() - started;

    const doc = await api.request('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const routes = routesOf(doc.body);
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const future = new Date((await api.h.env.currentTimeMs()) + 30 * 86_400_000).toISOString();
    const known = validBodies(mine.ids, mine.couponCode, future);

    let bodies = 0;
    const failures: string[] = [];
    const summary: string[] = [];
    const synthesised: string[] = [];

    for (const route of routes) {
      const name = `${route.method} ${route.path}`;
      let valids = known[name];
      if (valids === undefined) {
        valids = [exampleFromSchema(route.schema, doc.body)];
        synthesised.push(name);
      }
      const paramArb = fc.tuple(
        ...route.params.map((param) => {
          const ownIds = (mine.ids as unknown as Record<string, string[] | undefined>)[param];
          const foreign = (theirs.ids as unknown as Record<string, string[] | undefined>)[param];
          const prefix = param.replace(/Id$/, '').slice(0, 4);
          const choices: Array<fc.WeightedArbitrary<string>> = [
            { arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 22, maxLength: 22 }).map((s) => `${prefix}_${s}`), weight: 1 },
            { arbitrary: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.constantFrom('..', '%2F', 'a b', 'x'.repeat(150), '\u0000', 'null', '-', '💥')), weight: 1 },
          ];
          if (ownIds !== undefined) choices.push({ arbitrary: fc.constantFrom(...ownIds), weight: 8 });
          if (foreign !== undefined) choices.push({ arbitrary: fc.constantFrom(...foreign), weight: 1 });
          return fc.oneof(...choices);
        }),
      );
      const idempotencyArb = fc.oneof(
        { arbitrary: fc.constant(null), weight: 4 },
        { arbitrary: fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_:!~'), minLength: 1, maxLength: 40 }).map((k) => `fuzz-${k}`), weight: 1 },
      );
      const statuses = new Map<number, number>();
      const property = fc.asyncProperty(paramArb, fc.oneof(...valids.map((v) => bodyArbitrary(v, foreignOf))), idempotencyArb, async (params, body, idempotencyKey) => {
        bodies += 1;
        let path = route.path;
        route.params.forEach((param, i) => {
          let encoded: string;
          try {
            encoded = encodeURIComponent(params[i]!);
          } catch {
            encoded = 'garbage';
          }
          path = path.replace(`{${param}}`, encoded);
        });
        const foreign = body.foreign || params.some((p) => foreignIds.has(p));
        const r = await withTimeout(send(route.method, path, own.key, body, idempotencyKey), `${route.method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms to ${body.describe}`);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const problem = problemWith(r, foreign);
        if (problem === undefined) return;
        throw new Error(`${route.method} ${path} [${body.kind}, Content-Type ${JSON.stringify(body.contentType)}, Idempotency-Key ${JSON.stringify(idempotencyKey)}] ${body.describe}\n→ ${problem}`);
      });
      const routeStarted = Date.now();
      try {
        await fc.assert(property, { seed: (SEED ^ hash(name)) >>> 0, numRuns: RUNS_PER_ROUTE, endOnFailure: true });
      } catch (error) {
        const cause = (error as Error).cause;
        failures.push(`${name}: ${(error as Error).message}${cause instanceof Error ? `\nCause: ${cause.message}` : ''}`);
      }
      summary.push(`${name.padEnd(62)} ${String(Date.now() - routeStarted).padStart(6)} ms  ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ')}`);
    }

    console.log(
      [
        `fuzz seed ${SEED}: ${bodies} bodies over ${routes.length} routes; seeding ${seededMs} ms, total ${Date.now() - started} ms`,
        ...summary,
        ...(synthesised.length > 0 ? [`routes fuzzed from a synthesised body (add a valid body above): ${synthesised.join(', ')}`] : []),
      ].join('\n'),
    );
    expect(failures, failures.join('\n\n')).toEqual([]);
    expect(bodies).toBeGreaterThanOrEqual(MIN_BODIES);
    expect(bodies).toBe(routes.length * RUNS_PER_ROUTE);
    // The app still answers normally after all that.
    expect((await api.request('GET', '/v1/customers?limit=1', { key: own.key })).status).toBe(200);
  });
});

/** The product bugs the fuzzer found, each as its smallest request, kept as regression tests. */
describe('bugs this fuzzer found, fixed', () => {
  async function customer(t: ApiTenant): Promise<string> {
    return (await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 'customer')).id as string;
  }

  it('a billing-layer 400 names the field (`field`, not `path`)', async () => {
    const t = await api.tenant();
    const r = await api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'XYZ' } });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body.currency' })]);
  });

  it('a credit adjustment in an unknown currency names body.currency', async () => {
    const t = await api.tenant();
    const r = await api.request('POST', `/v1/customers/${await customer(t)}/credit-balance/adjustments`, { key: t.key, body: { amount: 5, currency: 'ABC', reason: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body.currency' })]);
  });

  it('a malformed JSON body is a 400 naming the body as the field', async () => {
    const t = await api.tenant();
    const r = await api.request('POST', '/v1/customers', { key: t.key, rawBody: '{' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body' })]);
  });

  it('a lone surrogate in a metadata value is a 400 naming it, not 500', async () => {
    const t = await api.tenant();
    const r = await api.request('POST', '/v1/customers', { key: t.key, rawBody: '{"currency":"usd","metadata":{"note":"\\ud800"}}' });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body.metadata.note', code: 'invalid_text' })]);
  });

  it('%00 in the path under an Idempotency-Key is a 400 like without one, not 500', async () => {
    const t = await api.tenant();
    const without = await api.request('POST', '/v1/customers/%00/payment-method-setups', { key: t.key, body: {} });
    expect(without.status).toBe(400);
    const withKey = await api.request('POST', '/v1/customers/%00/payment-method-setups', { key: t.key, body: {}, idempotencyKey: 'nul-path' });
    expect(withKey.status).toBe(400);
  });
});

describe('bugs this fuzzer found in entitlements, fixed', () => {
  it('a static value nested thousands deep is a 400 naming body.value, not 500', async () => {
    const t = await api.tenant();
    await ok(api.request('POST', '/v1/features', { key: t.key, body: { key: 'projects', type: 'static' } }), 'feature');
    const product = (await ok(api.request('POST', '/v1/products', { key: t.key, body: { name: 'Deep' } }), 'product')).id as string;
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const r = await api.request('POST', `/v1/products/${product}/entitlements`, { key: t.key, rawBody: `{"feature":"projects","value":${deep}}` });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field: 'body.value' })]);
  });
});

describe('bugs this fuzzer found that are since fixed', () => {
  it('an unknown payment method id is a 422, not 502 gateway_error', async () => {
    const t = await api.tenant();
    const customerId = (await ok(api.request('POST', '/v1/customers', { key: t.key, body: { currency: 'usd' } }), 'customer')).id as string;
    const r = await api.request('POST', `/v1/customers/${customerId}/default-payment-method`, { key: t.key, body: { paymentMethodId: 'pm_does_not_exist' } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toEqual(expect.any(String));
  });

  it.each([
    ['POST', '/v1/customers', '{"currency":"usd","metadata":{"note":"a\\u0000b"}}', 'body.metadata.note'],
    ['POST', '/v1/products', '{"name":"a\\u0000b"}', 'body.name'],
    ['POST', '/v1/customers/cus_x/discounts', '{"code":"\\u0000"}', 'body.code'],
  ])('NUL: %s %s is a 400 naming the field', async (method, path, rawBody, field) => {
    const t = await api.tenant();
    const r = await api.request(method, path, { key: t.key, rawBody });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([expect.objectContaining({ field, code: 'invalid_text' })]);
  });
});

/**
 * A lone UTF-16 surrogate ("\ud800") that reached a subscription workflow ended up in an activity's
 * failure message, which the Temporal worker could not encode: the worker failed, every workflow
 * on its task queue stalled and the request hung. The API now refuses such text up front.
 */
describe('lone surrogates never reach a subscription workflow', () => {

  async function liveSubscription(): Promise<{ t: ApiTenant; subscriptionId: string }> {
    const t = await api.tenant();
    const post = (path: string, body: unknown) => ok(api.request('POST', path, { key: t.key, body }), path);
    const customer = await post('/v1/customers', { currency: 'usd' });
    await post(`/v1/customers/${customer.id}/default-payment-method`, { paymentMethodId: 'pm_card_visa' });
    const product = await post('/v1/products', { name: 'Plan' });
    const price = await post('/v1/prices', { productId: product.id, currency: 'USD', pricing: { model: 'flat', amount: 1000 }, interval: { unit: 'month' } });
    const sub = await post('/v1/subscriptions', { customerId: customer.id, items: [{ priceId: price.id }] });
    await eventually(
      () => api.request('GET', `/v1/subscriptions/${sub.id}?live=true`, { key: t.key }),
      (r) => r.body.live?.status === 'active',
    );
    return { t, subscriptionId: sub.id as string };
  }

  /** Sends the request; the answer (or 'no answer'), and whether the worker still answers queries afterwards. */
  async function attempt(t: ApiTenant, subscriptionId: string, path: string, rawBody: string, withinMs: number) {
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      api.request('POST', path, { key: t.key, rawBody }),
      new Promise<'no answer'>((resolve) => (timer = setTimeout(() => resolve('no answer'), withinMs))),
    ]);
    clearTimeout(timer);
    const after = await api.request('GET', `/v1/subscriptions/${subscriptionId}?live=true`, { key: t.key });
    const workerAlive = after.body.live !== null;
    console.log(`${path} ${rawBody} → ${answer === 'no answer' ? `no answer within ${withinMs} ms` : `${answer.status} ${JSON.stringify(answer.body)}`}; worker alive afterwards: ${workerAlive}`);
    return { answer, workerAlive };
  }

  // The update id `change:\ud800` could not be sent: the client retried for about 16 s, then 503.
  it('POST /v1/subscriptions/{id}/change with changeId "\\ud800" is a prompt 4xx', { timeout: 60_000 }, async () => {
    const { t, subscriptionId } = await liveSubscription();
    const started = Date.now();
    const { answer } = await attempt(t, subscriptionId, `/v1/subscriptions/${subscriptionId}/change`, '{"items":[{"priceId":"price_x"}],"changeId":"\\ud800"}', 40_000);
    console.log(`answered after ${Date.now() - started} ms`);
    expect(answer).not.toBe('no answer');
    expect(answer !== 'no answer' && answer.status >= 400 && answer.status < 500).toBe(true);
  });

  it('POST /v1/subscriptions/{id}/preview-change with priceId "\\ud800" is a 4xx and the worker survives', { timeout: 60_000 }, async () => {
    const { t, subscriptionId } = await liveSubscription();
    const { answer, workerAlive } = await attempt(t, subscriptionId, `/v1/subscriptions/${subscriptionId}/preview-change`, '{"items":[{"priceId":"\\ud800"}]}', 10_000);
    expect(workerAlive).toBe(true);
    expect(answer).not.toBe('no answer');
    expect(answer !== 'no answer' && answer.status >= 400 && answer.status < 500).toBe(true);
  });
});
