import { beforeAll, describe, expect, it } from 'vitest';
import { TemporalSubscriptionWorkflows } from '../../../src/temporal/temporal-subscription-workflows.js';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createApp } from '../../../src/api/app.js';
import type { ApiEnv } from '../../../src/api/env.js';
import type { StripeWebhookProcessor } from '../../../src/payments/webhooks/stripe-webhook-processor.js';
import { useApiHarness, type ApiHarness } from '../../support/api-harness.js';

/**
 * The OpenAPI document at /openapi.json: validated against the official OpenAPI 3.1 schema by
 * @readme/openapi-parser, checked by hand for the rules that matter to clients and code
 * generators (object shapes, $refs, path parameters, operationIds, security), and then against
 * the routes the app really serves and the errors its middleware really gives.
 */

let api: ApiHarness;
useApiHarness((harness) => {
  api = harness;
});

type Json = Record<string, any>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const TOP_LEVEL = new Set(['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security', 'tags', 'externalDocs']);
const PATH_ITEM = new Set(['$ref', 'summary', 'description', 'servers', 'parameters', ...HTTP_METHODS]);
const OPERATION = new Set(['tags', 'summary', 'description', 'externalDocs', 'operationId', 'parameters', 'requestBody', 'responses', 'callbacks', 'deprecated', 'security', 'servers']);
const PARAMETER = new Set(['name', 'in', 'description', 'required', 'deprecated', 'allowEmptyValue', 'style', 'explode', 'allowReserved', 'schema', 'example', 'examples', 'content']);
const PARAMETER_IN = new Set(['query', 'header', 'path', 'cookie']);
const REQUEST_BODY = new Set(['description', 'content', 'required']);
const RESPONSE = new Set(['description', 'headers', 'content', 'links']);
const MEDIA_TYPE = new Set(['schema', 'example', 'examples', 'encoding']);
const COMPONENTS = new Set(['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems']);
const SECURITY_SCHEME_TYPES = new Set(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect']);
/** JSON Schema 2020-12 keywords plus OpenAPI 3.1's own (discriminator, xml, externalDocs, example). */
const SCHEMA_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$defs', '$comment', '$vocabulary',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', 'items', 'contains',
  'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties',
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema', 'title', 'description', 'default',
  'deprecated', 'readOnly', 'writeOnly', 'examples', 'discriminator', 'xml', 'externalDocs', 'example',
]);
const SCHEMA_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['not', 'if', 'then', 'else', 'items', 'contains', 'additionalProperties', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema'];
const COMPONENT_NAME = /^[a-zA-Z0-9._-]+$/;
const STATUS_KEY = /^([1-5](\d\d|XX)|default)$/;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Json, allowed: Set<string>): string[] {
  return Object.keys(value).filter((key) => !allowed.has(key) && !key.startsWith('x-'));
}

/** A local JSON pointer (`#/components/schemas/Error`) resolved in `doc`, or undefined. */
function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  if (ref === '#') return doc;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Json)[segment];
  }
  return node;
}

/** Follows a `$ref` (one level, as the document's own objects use them). */
function deref(doc: Json, value: unknown): unknown {
  return isObject(value) && typeof value.$ref === 'string' ? resolvePointer(doc, value.$ref) : value;
}

function checkSchema(doc: Json, schema: unknown, where: string, problems: string[]): void {
  if (typeof schema === 'boolean') return;
  if (!isObject(schema)) {
    problems.push(`${where}: a schema must be an object or a boolean`);
    return;
  }
  for (const key of unknownKeys(schema, SCHEMA_KEYWORDS)) problems.push(`${where}: unknown schema keyword "${key}"${key === 'nullable' ? ' (OpenAPI 3.0 only; 3.1 uses type: [..., "null"])' : ''}`);
  if (typeof schema.$ref === 'string' && resolvePointer(doc, schema.$ref) === undefined) problems.push(`${where}: $ref ${schema.$ref} does not resolve`);
  if (schema.type !== undefined) {
    const types: unknown[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    for (const type of types) if (typeof type !== 'string' || !SCHEMA_TYPES.has(type)) problems.push(`${where}: invalid type ${JSON.stringify(type)}`);
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || schema.required.some((name: unknown) => typeof name !== 'string')) problems.push(`${where}: required must list property names`);
    else if (isObject(schema.properties) && schema.additionalProperties === false) {
      for (const name of schema.required as string[]) if (!(name in schema.properties)) problems.push(`${where}: required property ${name} is not among its properties`);
    }
  }
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || schema.enum.length === 0)) problems.push(`${where}: enum must be a non-empty array`);
  if (schema.pattern !== undefined) {
    try {
      new RegExp(schema.pattern as string, 'u');
    } catch {
      problems.push(`${where}: pattern ${String(schema.pattern)} is not a valid regular expression`);
    }
  }
  for (const key of SUBSCHEMA_MAPS) {
    if (schema[key] === undefined) continue;
    if (!isObject(schema[key])) problems.push(`${where}.${key}: must be an object`);
    else for (const [name, sub] of Object.entries(schema[key])) checkSchema(doc, sub, `${where}.${key}.${name}`, problems);
  }
  for (const key of SUBSCHEMA_LISTS) {
    if (schema[key] === undefined) continue;
    if (!Array.isArray(schema[key]) || schema[key].length === 0) problems.push(`${where}.${key}: must be a non-empty array`);
    else (schema[key] as unknown[]).forEach((sub, i) => checkSchema(doc, sub, `${where}.${key}[${i}]`, problems));
  }
  for (const key of SUBSCHEMAS) if (schema[key] !== undefined) checkSchema(doc, schema[key], `${where}.${key}`, problems);
}

function checkContent(doc: Json, content: unknown, where: string, problems: string[]): void {
  if (!isObject(content)) {
    problems.push(`${where}: content must be an object of media types`);
    return;
  }
  for (const [mediaType, media] of Object.entries(content)) {
    if (!isObject(media)) {
      problems.push(`${where}.${mediaType}: must be a Media Type object`);
      continue;
    }
    for (const key of unknownKeys(media, MEDIA_TYPE)) problems.push(`${where}.${mediaType}: unknown field ${key}`);
    if (media.schema !== undefined) checkSchema(doc, media.schema, `${where}.${mediaType}.schema`, problems);
  }
}

function checkParameter(doc: Json, raw: unknown, where: string, problems: string[]): Json | undefined {
  const parameter = deref(doc, raw);
  if (!isObject(parameter)) {
    problems.push(`${where}: not a Parameter object${isObject(raw) && raw.$ref !== undefined ? ` ($ref ${String(raw.$ref)} does not resolve)` : ''}`);
    return undefined;
  }
  for (const key of unknownKeys(parameter, PARAMETER)) problems.push(`${where}: unknown field ${key}`);
  if (typeof parameter.name !== 'string' || parameter.name === '') problems.push(`${where}: name is required`);
  if (typeof parameter.in !== 'string' || !PARAMETER_IN.has(parameter.in)) problems.push(`${where}: in must be query, header, path or cookie`);
  if (parameter.in === 'path' && parameter.required !== true) problems.push(`${where}: path parameter ${String(parameter.name)} must be required: true`);
  if (parameter.in === 'header' && typeof parameter.name === 'string' && ['accept', 'content-type', 'authorization'].includes(parameter.name.toLowerCase())) {
    problems.push(`${where}: header parameter ${parameter.name} is ignored by OpenAPI (use security or content instead)`);
  }
  const hasSchema = parameter.schema !== undefined;
  const hasContent = parameter.content !== undefined;
  if (hasSchema === hasContent) problems.push(`${where}: exactly one of schema and content is required`);
  if (hasSchema) checkSchema(doc, parameter.schema, `${where}.schema`, problems);
  if (hasContent) checkContent(doc, parameter.content, `${where}.content`, problems);
  return parameter;
}

/**
 * Every rule of OpenAPI 3.1 this document can break, as a list of problems (empty when valid):
 * object shapes and required fields, every $ref resolving, path templates and their
 * parameters, unique operationIds, security requirements naming declared schemes, and the
 * JSON Schema keywords of every schema.
 */
function openApi31Problems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ['the document is not a JSON object'];
  for (const key of unknownKeys(doc, TOP_LEVEL)) problems.push(`unknown top-level field ${key}`);
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push(`openapi must be 3.1.x, is ${JSON.stringify(doc.openapi)}`);
  if (!isObject(doc.info) || typeof doc.info.title !== 'string' || typeof doc.info.version !== 'string') problems.push('info.title and info.version are required strings');
  if (doc.paths === undefined && doc.components === undefined && doc.webhooks === undefined) problems.push('one of paths, components and webhooks is required');

  // Every $ref anywhere must resolve.
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, `${where}[${i}]`));
    else if (isObject(value)) {
      if (typeof value.$ref === 'string' && resolvePointer(doc, value.$ref) === undefined) problems.push(`${where}: $ref ${value.$ref} does not resolve`);
      for (const [key, item] of Object.entries(value)) visit(item, `${where}.${key}`);
    }
  };
  visit(doc, '#');

  const schemes = isObject(doc.components) && isObject(doc.components.securitySchemes) ? doc.components.securitySchemes : {};
  const checkSecurity = (security: unknown, where: string): void => {
    if (!Array.isArray(security)) {
      problems.push(`${where}: security must be an array`);
      return;
    }
    for (const requirement of security) {
      if (!isObject(requirement)) problems.push(`${where}: a security requirement must be an object`);
      else for (const name of Object.keys(requirement)) if (!(name in schemes)) problems.push(`${where}: security scheme ${name} is not declared`);
    }
  };
  if (doc.security !== undefined) checkSecurity(doc.security, 'security');

  if (doc.components !== undefined) {
    if (!isObject(doc.components)) problems.push('components must be an object');
    else {
      for (const key of unknownKeys(doc.components, COMPONENTS)) problems.push(`components: unknown field ${key}`);
      for (const [kind, entries] of Object.entries(doc.components)) {
        if (!isObject(entries)) continue;
        for (const name of Object.keys(entries)) if (!COMPONENT_NAME.test(name)) problems.push(`components.${kind}.${name}: invalid component name`);
      }
      for (const [name, schema] of Object.entries(isObject(doc.components.schemas) ? doc.components.schemas : {})) checkSchema(doc, schema, `components.schemas.${name}`, problems);
      for (const [name, scheme] of Object.entries(schemes)) {
        if (!isObject(scheme) || typeof scheme.type !== 'string' || !SECURITY_SCHEME_TYPES.has(scheme.type)) problems.push(`components.securitySchemes.${name}: invalid type`);
        else if (scheme.type === 'http' && typeof scheme.scheme !== 'string') problems.push(`components.securitySchemes.${name}: http needs a scheme`);
        else if (scheme.type === 'apiKey' && (typeof scheme.name !== 'string' || !['query', 'header', 'cookie'].includes(scheme.in as string))) problems.push(`components.securitySchemes.${name}: apiKey needs name and in`);
      }
    }
  }

  const operationIds = new Map<string, string>();
  const templates = new Map<string, string>();
  for (const [path, rawItem] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!path.startsWith('/')) problems.push(`${path}: paths must start with /`);
    const template = path.replace(/\{[^}]+\}/g, '{}');
    const twin = templates.get(template);
    if (twin !== undefined) problems.push(`${path}: identical to ${twin} but for parameter names`);
    templates.set(template, path);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
    if (new Set(templated).size !== templated.length) problems.push(`${path}: a path parameter appears twice`);
    const item = deref(doc, rawItem);
    if (!isObject(item)) {
      problems.push(`${path}: not a Path Item object`);
      continue;
    }
    for (const key of unknownKeys(item, PATH_ITEM)) problems.push(`${path}: unknown field ${key}`);
    const shared = ((item.parameters as unknown[] | undefined) ?? []).map((p, i) => checkParameter(doc, p, `${path}.parameters[${i}]`, problems));
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const where = `${method.toUpperCase()} ${path}`;
      if (!isObject(operation)) {
        problems.push(`${where}: not an Operation object`);
        continue;
      }
      for (const key of unknownKeys(operation, OPERATION)) problems.push(`${where}: unknown field ${key}`);
      if (operation.operationId !== undefined) {
        const previous = operationIds.get(operation.operationId as string);
        if (previous !== undefined) problems.push(`${where}: operationId ${String(operation.operationId)} is also used by ${previous}`);
        operationIds.set(operation.operationId as string, where);
      }
      if (operation.tags !== undefined && (!Array.isArray(operation.tags) || operation.tags.some((t: unknown) => typeof t !== 'string'))) problems.push(`${where}: tags must be strings`);
      if (operation.security !== undefined) checkSecurity(operation.security, where);
      const own = ((operation.parameters as unknown[] | undefined) ?? []).map((p, i) => checkParameter(doc, p, `${where}.parameters[${i}]`, problems));
      const seen = new Set<string>();
      for (const parameter of own) {
        if (parameter === undefined) continue;
        const id = `${String(parameter.in)}:${String(parameter.in === 'header' ? String(parameter.name).toLowerCase() : parameter.name)}`;
        if (seen.has(id)) problems.push(`${where}: parameter ${id} is declared twice`);
        seen.add(id);
      }
      // Operation parameters override path-level ones of the same name and location.
      const effective = [...own, ...shared.filter((p) => p !== undefined && !seen.has(`${String(p.in)}:${String(p.name)}`))].filter((p): p is Json => p !== undefined);
      const pathParams = effective.filter((p) => p.in === 'path').map((p) => p.name as string);
      for (const name of templated) if (!pathParams.includes(name)) problems.push(`${where}: path parameter {${name}} is not declared`);
      for (const name of pathParams) if (!templated.includes(name)) problems.push(`${where}: declares path parameter ${name} that the path does not have`);
      if (operation.requestBody !== undefined) {
        const body = deref(doc, operation.requestBody);
        if (!isObject(body)) problems.push(`${where}: requestBody is not a Request Body object`);
        else {
          for (const key of unknownKeys(body, REQUEST_BODY)) problems.push(`${where}.requestBody: unknown field ${key}`);
          if (body.content === undefined) problems.push(`${where}.requestBody: content is required`);
          else checkContent(doc, body.content, `${where}.requestBody.content`, problems);
        }
      }
      if (!isObject(operation.responses) || Object.keys(operation.responses).length === 0) {
        problems.push(`${where}: responses are required`);
        continue;
      }
      for (const [status, raw] of Object.entries(operation.responses)) {
        if (!STATUS_KEY.test(status)) problems.push(`${where}: ${status} is not a status code`);
        const response = deref(doc, raw);
        if (!isObject(response)) {
          problems.push(`${where} ${status}: not a Response object`);
          continue;
        }
        for (const key of unknownKeys(response, RESPONSE)) problems.push(`${where} ${status}: unknown field ${key}`);
        if (typeof response.description !== 'string') problems.push(`${where} ${status}: description is required`);
        if (response.content !== undefined) checkContent(doc, response.content, `${where} ${status}.content`, problems);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

function documentedRoutes(doc: Json): string[] {
  const routes: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const method of HTTP_METHODS) if (isObject(item) && item[method] !== undefined) routes.push(`${method.toUpperCase()} ${path}`);
  }
  return routes.sort();
}

/** What the app serves: Hono's registered routes without middleware (ALL) and the docs themselves. */
function servedRoutes(app: OpenAPIHono<ApiEnv>): string[] {
  const routes = new Set<string>();
  for (const route of app.routes) {
    // The docs, /metrics (Prometheus text for the operator, README: Operations) and the operator
    // console (HTML pages for people, README: Console) are not the API.
    if (route.method === 'ALL' || route.path === '/docs' || route.path.startsWith('/docs/') || route.path === '/openapi.json' || route.path === '/metrics') continue;
    if (route.path === '/console' || route.path.startsWith('/console/')) continue;
    // `:name` or `:name{regex}` → `{name}`
    routes.add(`${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}')}`);
  }
  return [...routes].sort();
}

const ERROR_REF = '#/components/schemas/Error';

function isV1Api(path: string): boolean {
  return path.startsWith('/v1/') && !path.startsWith('/v1/webhooks/');
}

/** A list operation: its 200 answers a `{ object: 'list', data }` envelope. */
function isList(doc: Json, operation: Json): boolean {
  const schema = deref(doc, operation.responses?.['200']?.content?.['application/json']?.schema);
  return isObject(schema) && isObject(schema.properties) && schema.properties.object?.enum?.[0] === 'list';
}

function errorResponseProblems(doc: Json, operation: Json, status: string, where: string): string[] {
  const response = deref(doc, operation.responses?.[status]);
  if (!isObject(response)) return [`${where}: no ${status} response`];
  const schema = response.content?.['application/json']?.schema;
  if (!isObject(schema) || schema.$ref !== ERROR_REF) return [`${where}: ${status} does not use the Error schema (${JSON.stringify(schema)})`];
  return [];
}

let doc: Json;
beforeAll(async () => {
  doc = (await api.request('GET', '/openapi.json')).body as Json;
});

describe('the OpenAPI document', () => {
  it('is served at /openapi.json as a valid OpenAPI 3.1 document', async () => {
    const response = await api.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body).toEqual(doc);
    expect(doc.openapi).toBe('3.1.0');
    expect(openApi31Problems(doc)).toEqual([]);
    expect(Object.keys(doc.paths as Json).length).toBeGreaterThan(30);
  });

  it('names every operation (operationId) for code generators, and reads document no write-only errors', () => {
    const operations = Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json).map(([method, operation]) => ({ where: `${method.toUpperCase()} ${path}`, method, operation: operation as Json })),
    );
    expect(operations.filter((o) => typeof o.operation.operationId !== 'string').map((o) => o.where)).toEqual([]);
    expect(new Set(operations.map((o) => o.operation.operationId)).size).toBe(operations.length);
    expect(operations.find((o) => o.where === 'GET /v1/customers/{customerId}/payment-methods')?.operation.operationId).toBe('getCustomersByCustomerIdPaymentMethods');
    for (const read of operations.filter((o) => o.method === 'get')) {
      expect(Object.keys(read.operation.responses as Json).filter((status) => ['403', '409', '413', '422'].includes(status)), read.where).toEqual([]);
    }
  });

  it('passes the official OpenAPI 3.1 schema and semantic checks (@readme/openapi-parser)', async () => {
    // The parser dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
  });

  it('has a hand validator that finds the mistakes it looks for', () => {
    const broken = {
      openapi: '3.0.3',
      info: { title: 't' },
      paths: {
        '/a/{id}': {
          get: { operationId: 'same', responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Missing' } } } } } },
          post: { operationId: 'same', parameters: [{ name: 'id', in: 'path' }, { name: 'other', in: 'path', required: true, schema: { type: 'string' } }] },
        },
        '/a/{key}': { delete: { security: [{ nope: [] }], responses: { 204: { description: 'ok', content: { 'application/json': { schema: { type: 'string', nullable: true } } } } } } },
      },
      components: { schemas: { 'bad name': { type: 'strange' } } },
    };
    const problems = openApi31Problems(broken).join('\n');
    for (const expected of [
      'openapi must be 3.1.x',
      'info.title and info.version',
      '$ref #/components/schemas/Missing does not resolve',
      'GET /a/{id} 200: description is required',
      'GET /a/{id}: path parameter {id} is not declared',
      'operationId same is also used by GET /a/{id}',
      'POST /a/{id}: responses are required',
      'path parameter id must be required: true',
      'declares path parameter other that the path does not have',
      'exactly one of schema and content is required',
      '/a/{key}: identical to /a/{id}',
      'security scheme nope is not declared',
      'unknown schema keyword "nullable"',
      'components.schemas.bad name: invalid component name',
      'invalid type "strange"',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it('documents exactly the routes the app serves, in both directions', async () => {
    const served = servedRoutes(api.app);
    expect(served.length).toBeGreaterThan(30);
    const documented = documentedRoutes(doc);
    expect(served.filter((route) => !documented.includes(route)), 'served but not documented').toEqual([]);
    expect(documented.filter((route) => !served.includes(route)), 'documented but not served').toEqual([]);
  });

  it('documents the Stripe webhook route too when it is mounted, unauthenticated and without Idempotency-Key', async () => {
    // The harness app has no webhook processor; the same app with one mounts POST /v1/webhooks/stripe.
    const stub = { handle: () => Promise.reject(new Error('not called')) } as unknown as StripeWebhookProcessor;
    const h = api.h;
    const app = createApp({
      readinessChecks: [],
      stripeWebhooks: stub,
      billing: { prisma: h.db.prisma, workflows: new TemporalSubscriptionWorkflows(h.env.client, h.taskQueue), gateway: h.stripe.gateway, rateLimit: { requestsPerSecond: 0, burst: 1 } },
    });
    const withWebhooks = (await (await app.request('/openapi.json')).json()) as Json;
    expect(openApi31Problems(withWebhooks)).toEqual([]);
    const served = servedRoutes(app);
    const documented = documentedRoutes(withWebhooks);
    expect(served).toContain('POST /v1/webhooks/stripe');
    expect(served.filter((route) => !documented.includes(route)), 'served but not documented').toEqual([]);
    expect(documented.filter((route) => !served.includes(route)), 'documented but not served').toEqual([]);
    const webhook = withWebhooks.paths['/v1/webhooks/stripe'].post as Json;
    expect(webhook.security, 'Stripe signs webhooks; no API key').toEqual([]);
    expect(Object.keys(webhook.responses as Json)).toEqual(expect.arrayContaining(['200', '400']));
  });

  it('documents, on every /v1 operation, the errors its middleware and handlers give, with the Error schema', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      if (!isV1Api(path)) continue;
      for (const method of HTTP_METHODS) {
        const operation = (item as Json)[method] as Json | undefined;
        if (operation === undefined) continue;
        checked += 1;
        const where = `${method.toUpperCase()} ${path}`;
        // Authentication, rate limiting and validation apply to every /v1 route.
        problems.push(...errorResponseProblems(doc, operation, '401', where));
        problems.push(...errorResponseProblems(doc, operation, '429', where));
        problems.push(...errorResponseProblems(doc, operation, '400', where));
        // A route naming a resource can miss it; a list answers an empty page instead.
        if (path.includes('{') || !isList(doc, operation)) problems.push(...errorResponseProblems(doc, operation, '404', where));
        if (method !== 'get') {
          problems.push(...errorResponseProblems(doc, operation, '403', where)); // read-only keys
          problems.push(...errorResponseProblems(doc, operation, '422', where));
        }
        if (operation.security !== undefined) problems.push(`${where}: overrides the API key requirement (${JSON.stringify(operation.security)})`);
        const success = Object.keys(operation.responses as Json).filter((status) => status.startsWith('2'));
        if (success.length === 0) problems.push(`${where}: no success response`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(problems).toEqual([]);
    expect(doc.security).toEqual([{ apiKey: [] }]);
    const error = resolvePointer(doc, ERROR_REF) as Json;
    expect(error.required).toEqual(['error']);
    expect((error.properties as Json).error.required).toEqual(['code', 'message', 'details']);
  });

  it('documents the Idempotency-Key header on every POST', async () => {
    const missing: string[] = [];
    let posts = 0;
    for (const [path, item] of Object.entries(doc.paths as Json)) {
      // Webhooks skip the idempotency middleware: Stripe's event id deduplicates them.
      if (path.startsWith('/v1/webhooks/')) continue;
      const operation = (item as Json).post as Json | undefined;
      if (operation === undefined) continue;
      posts += 1;
      const header = ((operation.parameters as Json[] | undefined) ?? [])
        .map((p) => deref(doc, p) as Json)
        .find((p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key');
      if (header === undefined) missing.push(`POST ${path}`);
      else if (header.required === true) missing.push(`POST ${path}: Idempotency-Key is optional, documented as required`);
    }
    expect(posts).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });

  it('serves the Swagger UI at /docs, pointing at /openapi.json', async () => {
    const response = await api.request('GET', '/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = response.body as string;
    expect(typeof html).toBe('string');
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/url:\s*['"]\/openapi\.json['"]/);
    // Its assets come from this server (the pinned swagger-ui-dist), never a CDN: it works offline.
    const assets = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(['/docs/assets/swagger-ui-dist/swagger-ui-bundle.js', '/docs/assets/swagger-ui-dist/swagger-ui.css']);
    for (const asset of assets) {
      const served = await api.app.request(asset);
      expect(served.status, asset).toBe(200);
      expect((await served.arrayBuffer()).byteLength, asset).toBeGreaterThan(10_000);
    }
    expect((await api.app.request('/docs/assets/swagger-ui-dist/package.json')).status).toBe(404);
  });
});
