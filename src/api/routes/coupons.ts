import { createRoute, z } from '@hono/zod-openapi';
import { applyCoupon } from '../../billing/coupons/apply-coupon.js';
import { archiveCoupon } from '../../billing/coupons/archive-coupon.js';
import { createCoupon } from '../../billing/coupons/create-coupon.js';
import { getCoupon } from '../../billing/coupons/get-coupon.js';
import { listCoupons } from '../../billing/coupons/list-coupons.js';
import { listDiscounts } from '../../billing/coupons/list-discounts.js';
import { couponViewSchema, discountViewSchema } from '../../billing/coupons/views.js';
import { getDiscount } from '../../billing/coupons/get-discount.js';
import { resolveCouponId } from '../../billing/coupons/resolve-coupon.js';
import { billingNow, type BillingApiDependencies } from '../dependencies.js';
import { applyCouponBody } from '../schemas/customers.js';
import { createCouponBody, listCouponsQuery } from '../schemas/settings.js';
import { billingRouter, commonErrors, idempotencyHeaders, jsonBody, listEnvelope, ok, optionalEmptyBody, pageQueryShape, pageSchema, pathParams } from './router.js';

const tags = ['coupons'];
const couponParams = pathParams('couponId');
const discountList = pageSchema(discountViewSchema, 'DiscountList');

function discountRoutes(target: 'customers' | 'subscriptions') {
  const param = target === 'customers' ? 'customerId' : 'subscriptionId';
  return {
    apply: createRoute({
      method: 'post',
      path: `/v1/${target}/{${param}}/discounts`,
      tags,
      summary: `Apply a coupon to a ${target === 'customers' ? 'customer (all their subscriptions)' : 'subscription'}`,
      request: { params: pathParams(param), headers: idempotencyHeaders, body: jsonBody(applyCouponBody) },
      responses: { 201: ok(discountViewSchema, 'The discount now in force'), ...commonErrors },
    }),
    list: createRoute({
      method: 'get',
      path: `/v1/${target}/{${param}}/discounts`,
      tags,
      summary: `Discounts applied to the ${target === 'customers' ? 'customer' : 'subscription'}, ended ones included`,
      request: { params: pathParams(param), query: z.strictObject(pageQueryShape) },
      responses: { 200: ok(discountList, 'One page'), ...commonErrors },
    }),
  };
}

const routes = {
  create: createRoute({
    method: 'post',
    path: '/v1/coupons',
    tags,
    summary: 'Create a coupon (percent or fixed amount; once, repeating or forever)',
    request: { headers: idempotencyHeaders, body: jsonBody(createCouponBody) },
    responses: { 201: ok(couponViewSchema, 'Created'), ...commonErrors },
  }),
  list: createRoute({
    method: 'get',
    path: '/v1/coupons',
    tags,
    summary: 'List coupons, newest first',
    request: { query: listCouponsQuery.extend(pageQueryShape) },
    responses: { 200: ok(pageSchema(couponViewSchema, 'CouponList'), 'One page'), ...commonErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/v1/coupons/{couponId}',
    tags,
    summary: 'A coupon',
    request: { params: couponParams },
    responses: { 200: ok(couponViewSchema, 'The coupon'), ...commonErrors },
  }),
  archive: createRoute({
    method: 'post',
    path: '/v1/coupons/{couponId}/archive',
    tags,
    summary: 'Archive a coupon: no new redemptions; discounts already applied run their course',
    request: { params: couponParams, headers: idempotencyHeaders, body: optionalEmptyBody },
    responses: { 200: ok(couponViewSchema, 'The archived coupon'), ...commonErrors },
  }),
  customer: discountRoutes('customers'),
  subscription: discountRoutes('subscriptions'),
};

export function couponRoutes(deps: BillingApiDependencies) {
  const app = billingRouter();
  const now = billingNow(deps);

  const couponIdOf = (tenantId: string, body: { couponId?: string | undefined; code?: string | undefined }) => resolveCouponId(deps.prisma, { tenantId, ...body });
  const discountOf = (tenantId: string, discountId: string) => getDiscount(deps.prisma, { tenantId, discountId });

  app.openapi(routes.create, async (c) => {
    const { tenantId } = c.get('principal');
    const { amountOff, currency, redeemBy, ...rest } = c.req.valid('json');
    const created = await createCoupon(deps.prisma, {
      tenantId,
      ...rest,
      ...(amountOff === undefined ? {} : { amountOff: { amount: amountOff, currency: currency ?? '' } }),
      ...(redeemBy === undefined ? {} : { redeemBy: Date.parse(redeemBy) }),
      name: rest.name ?? null,
    });
    return c.json(await getCoupon(deps.prisma, { tenantId, couponId: created.couponId }), 201);
  });
  app.openapi(routes.list, async (c) => c.json(listEnvelope(await listCoupons(deps.prisma, { tenantId: c.get('principal').tenantId, ...c.req.valid('query') })), 200));
  app.openapi(routes.get, async (c) => c.json(await getCoupon(deps.prisma, { tenantId: c.get('principal').tenantId, couponId: c.req.valid('param').couponId }), 200));
  app.openapi(routes.archive, async (c) => c.json(await archiveCoupon(deps.prisma, { tenantId: c.get('principal').tenantId, couponId: c.req.valid('param').couponId }), 200));

  app.openapi(routes.customer.apply, async (c) => {
    const { tenantId } = c.get('principal');
    const couponId = await couponIdOf(tenantId, c.req.valid('json'));
    const applied = await applyCoupon(deps.prisma, { tenantId, couponId, customerId: c.req.valid('param').customerId, at: await now() });
    return c.json(await discountOf(tenantId, applied.discountId), 201);
  });
  app.openapi(routes.subscription.apply, async (c) => {
    const { tenantId } = c.get('principal');
    const couponId = await couponIdOf(tenantId, c.req.valid('json'));
    const applied = await applyCoupon(deps.prisma, { tenantId, couponId, subscriptionId: c.req.valid('param').subscriptionId, at: await now() });
    return c.json(await discountOf(tenantId, applied.discountId), 201);
  });
  app.openapi(routes.customer.list, async (c) =>
    c.json(listEnvelope(await listDiscounts(deps.prisma, { tenantId: c.get('principal').tenantId, customerId: c.req.valid('param').customerId, ...c.req.valid('query') })), 200),
  );
  app.openapi(routes.subscription.list, async (c) =>
    c.json(listEnvelope(await listDiscounts(deps.prisma, { tenantId: c.get('principal').tenantId, subscriptionId: c.req.valid('param').subscriptionId, ...c.req.valid('query') })), 200),
  );

  return app;
}
