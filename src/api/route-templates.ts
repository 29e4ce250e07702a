import type { Context } from 'hono';
import { routePath } from 'hono/route';
/**
 * Route templates as OpenAPI spells them (`POST /v1/invoices/{invoiceId}/pay`), matched against a
 * request's method and path. Middleware that decides by route (roles, the audit trail) runs before
 * Hono has picked the handler, so it matches the templates it knows itself.
 */
export interface RouteMatch<T> {
  template: string;
  params: Record<string, string>;
  value: T;
}

interface CompiledTemplate<T> {
  template: string;
  method: string;
  pattern: RegExp;
  names: string[];
  value: T;
}

export class RouteTable<T> {
  private readonly compiled: CompiledTemplate<T>[];

  constructor(readonly entries: Readonly<Record<string, T>>) {
    this.compiled = Object.entries(entries).map(([template, value]) => {
      const [method, path] = template.split(' ') as [string, string];
      const names: string[] = [];
      const source = path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (param === null) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { template, method, pattern: new RegExp(`^${source}/?$`), names, value };
    });
  }

  /** The entry for this request; a literal segment wins over a parameter (`/usage-events/batch` over `/{id}`). */
  match(method: string, path: string): RouteMatch<T> | undefined {
    let best: RouteMatch<T> | undefined;
    let bestParams = Infinity;
    for (const entry of this.compiled) {
      if (entry.method !== method) continue;
      const found = entry.pattern.exec(path);
      if (found === null || entry.names.length >= bestParams) continue;
      const params = Object.fromEntries(entry.names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]));
      best = { template: entry.template, params, value: entry.value };
      bestParams = entry.names.length;
    }
    return best;
  }
}

/**
 * The template of the route that answered (`/v1/customers/:customerId`), never the path, so ids
 * stay out of metric labels and span names; `unmatched` when only middleware ran (a 404).
 * Called once the handler has run.
 */
export function answeredRoute(c: Context): string {
  const matched = routePath(c, -1);
  return matched.endsWith('*') ? 'unmatched' : matched;
}
