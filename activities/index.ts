/**
 * The activities' public face: the workflow imports the types (type-only), the worker and tests
 * the factory. Nothing inside activities/ imports this barrel, so it closes no import cycle.
 */
export type * from './types.js';
export type { ActivityDependencies } from './dependencies.js';
export { createActivities } from './create-activities.js';
