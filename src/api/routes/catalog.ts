import { createRoute } from '@hono/zod-openapi';
import { archivePrice } from '../../billing/catalog/archive-price.js';
import { archiveProduct } from '../../billing/catalog/archive-product.js';
import { createPrice } from '../../billing/catalog/create-price.js';
import { createProduct } from '../../billing/catalog/create-product.js';
import { deletePrice } from '../../billing/catalog/delete-price.js';
import { deleteProduct } from '../../billing/catalog/delete-product.js';
import { getPrice } from '../../billing/catalog/get-price.js';
import { getProduct } from '../../billing/catalog/get-product.js';
import { listPrices } from '../../billing/catalog/list-prices.js';
import { listProducts } from '../../billing/catalog/list-products.js';
import { updateProduct } from '../../billing/catalog/update-product.js';
import { deletedPriceViewSchema, deletedProductViewSchema, priceViewSchema, productViewSchema } from '../../billing/catalog/views.js';
import type { PriceDefinition } from '../../domain/index.js';
import type { BillingApiDependencies } from '../dependencies.js';
import { withBodyFieldNames } from '../errors.js';
import { createPriceBody, createProductBody, listPricesQuery, listProductsQuery, updateProductBody } from '../schemas/catalog.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['catalog'];
const productParams = pathParams('productId');
const priceParams = pathParams('priceId');

const routes = {
  createProduct: createRoute({
    method: 'post',
    path: '/v1/products',
    tags,
    summary: 'Create a product',
    request: { headers: idempotencyHeaders, body: jsonBody(createProductBody) },
    responses: { 201: ok(productViewSchema, 'Created'), ...commonErrors },
  }),
  listProducts: createRoute({
    method: 'get',
    path: '/v1/products',
    tags,
    summary: 'List products, newest first',
    request: { query: listProductsQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(productViewSchema, 'ProductList'), 'One page'), ...commonErrors },
  }),
  getProduct: createRoute({
    method: 'get',
    path: '/v1/products/{productId}',
    tags,
    summary: 'A product',
    request: { params: productParams },
    responses: { 200: ok(productViewSchema, 'The product'), ...commonErrors },
  }),
  updateProduct: createRoute({
    method: 'post',
    path: '/v1/products/{productId}',
    tags,
    summary: 'Update a product (only the fields given)',
    request: { params: productParams, headers: idempotencyHeaders, body: jsonBody(updateProductBody) },
    responses: { 200: ok(productViewSchema, 'The product after the update'), ...commonErrors },
  }),
  archiveProduct: createRoute({
    method: 'post',
    path: '/v1/products/{productId}/archive',
    tags,
    summary: 'Archive a product: no new prices; existing subscriptions continue',
    request: { params: productParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(productViewSchema, 'The archived product'), ...commonErrors },
  }),
  deleteProduct: createRoute({
    method: 'delete',
    path: '/v1/products/{productId}',
    tags,
    summary: 'Delete a product that never had a price; archive it otherwise (409 product_in_use)',
    request: { params: productParams },
    responses: { 200: ok(deletedProductViewSchema, 'Deleted'), ...commonErrors },
  }),
  createPrice: createRoute({
    method: 'post',
    path: '/v1/prices',
    tags,
    summary: 'Create a price: flat, per unit, graduated or volume tiers, package, or percentage; licensed or metered',
    request: { headers: idempotencyHeaders, body: jsonBody(createPriceBody) },
    responses: { 201: ok(priceViewSchema, 'Created'), ...commonErrors },
  }),
  listPrices: createRoute({
    method: 'get',
    path: '/v1/prices',
    tags,
    summary: 'List prices, newest first',
    request: { query: listPricesQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(priceViewSchema, 'PriceList'), 'One page'), ...commonErrors },
  }),
  getPrice: createRoute({
    method: 'get',
    path: '/v1/prices/{priceId}',
    tags,
    summary: 'A price',
    request: { params: priceParams },
    responses: { 200: ok(priceViewSchema, 'The price'), ...commonErrors },
  }),
  archivePrice: createRoute({
    method: 'post',
    path: '/v1/prices/{priceId}/archive',
    tags,
    summary: 'Archive a price: refused for new subscriptions; existing ones keep it',
    request: { params: priceParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(priceViewSchema, 'The archived price'), ...commonErrors },
  }),
  deletePrice: createRoute({
    method: 'delete',
    path: '/v1/prices/{priceId}',
    tags,
    summary: 'Delete a price never used by a subscription or invoice; archive it otherwise (409 price_in_use)',
    request: { params: priceParams },
    responses: { 200: ok(deletedPriceViewSchema, 'Deleted'), ...commonErrors },
  }),
};

export function catalogRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const tenant = (c: { get(key: 'principal'): { tenantId: string } }) => c.get('principal').tenantId;

  app.openapi(routes.createProduct, async (c) => {
    const tenantId = tenant(c);
    const created = await createProduct(deps.prisma, { tenantId, ...c.req.valid('json') });
    return c.json(await getProduct(deps.prisma, { tenantId, productId: created.productId }), 201);
  });
  app.openapi(routes.listProducts, async (c) => c.json(listEnvelope(await listProducts(deps.prisma, { tenantId: tenant(c), ...c.req.valid('query') })), 200));
  app.openapi(routes.getProduct, async (c) => c.json(await getProduct(deps.prisma, { tenantId: tenant(c), productId: c.req.valid('param').productId }), 200));
  app.openapi(routes.updateProduct, async (c) =>
    c.json(await updateProduct(deps.prisma, { tenantId: tenant(c), productId: c.req.valid('param').productId, ...c.req.valid('json') }), 200),
  );
  app.openapi(routes.archiveProduct, async (c) => c.json(await archiveProduct(deps.prisma, { tenantId: tenant(c), productId: c.req.valid('param').productId }), 200));
  app.openapi(routes.deleteProduct, async (c) => c.json(await deleteProduct(deps.prisma, { tenantId: tenant(c), productId: c.req.valid('param').productId }), 200));

  app.openapi(routes.createPrice, async (c) => {
    const tenantId = tenant(c);
    const { pricing, currency, ...rest } = c.req.valid('json');
    const definition = { ...pricing, currency } as PriceDefinition;
    const created = await withBodyFieldNames({ definition: 'pricing' }, () => createPrice(deps.prisma, { tenantId, currency, definition, ...rest }));
    return c.json(await getPrice(deps.prisma, { tenantId, priceId: created.priceId }), 201);
  });
  app.openapi(routes.listPrices, async (c) => c.json(listEnvelope(await listPrices(deps.prisma, { tenantId: tenant(c), ...c.req.valid('query') })), 200));
  app.openapi(routes.getPrice, async (c) => c.json(await getPrice(deps.prisma, { tenantId: tenant(c), priceId: c.req.valid('param').priceId }), 200));
  app.openapi(routes.archivePrice, async (c) => c.json(await archivePrice(deps.prisma, { tenantId: tenant(c), priceId: c.req.valid('param').priceId }), 200));
  app.openapi(routes.deletePrice, async (c) => c.json(await deletePrice(deps.prisma, { tenantId: tenant(c), priceId: c.req.valid('param').priceId }), 200));

  return app;
}
