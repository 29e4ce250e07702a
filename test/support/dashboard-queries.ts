import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/project-root.js';

export const DASHBOARD_PATH = join(projectRoot, 'deploy', 'grafana', 'dashboards', 'billing.json');

interface Dashboard {
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string; datasource: { uid: string } }> }>;
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;
}

/**
 * The metric names a PromQL expression reads: label matchers, strings, `by (…)`/`ignoring(…)`
 * lists and range selectors removed, every identifier called like a function dropped, and what
 * is left are series names (a histogram's `_bucket`/`_count`/`_sum` kept, as Prometheus names them).
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|ignoring|on|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (after.startsWith('(')) continue; // sum(, rate(, histogram_quantile(
    if (['by', 'without', 'ignoring', 'on', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool'].includes(match[0])) continue;
    names.push(match[0]);
  }
  return [...new Set(names)];
}

/** Every metric the dashboard's queries read, with the panel that reads it. */
export function dashboardMetrics(): Array<{ panel: string; metric: string }> {
  return dashboard().panels.flatMap((panel) => panel.targets.flatMap((target) => metricNamesIn(target.expr).map((metric) => ({ panel: panel.title, metric }))));
}

/**
 * The series names a Prometheus exposition offers: every sample's, and every family its `# TYPE`
 * lines declare (a labelled counter never incremented has no sample yet), a histogram's with its
 * `_bucket`, `_count` and `_sum`.
 */
export function seriesNamesIn(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const family = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (family) {
      names.add(family[1]!);
      if (family[2] === 'histogram' || family[2] === 'summary') for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${family[1]!}${suffix}`);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0];
    if (name !== undefined) names.add(name);
  }
  return names;
}
