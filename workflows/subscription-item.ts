import type { PriceInfo } from '../activities/types.js';

/** One subscription item as the workflow holds it: the price it bills and how many. */
export interface ItemState {
  priceId: string;
  quantity: number;
  price: PriceInfo;
}
