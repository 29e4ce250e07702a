import type { ChaosStack } from './chaos-stack.js';
import { SCENARIOS, type ChaosOptions, type ScenarioResult } from './scenarios.js';

/** Runs the named scenarios one after another on `stack`, prints a table and a JSON line each; true when every invariant held. */
export async function runChaos(stack: ChaosStack, names: readonly string[], options: ChaosOptions): Promise<boolean> {
  const results: ScenarioResult[] = [];
  for (const name of names) {
    const scenario = SCENARIOS[name]!;
    options.say(`${name}: ${scenario.description} (${options.count} subscriptions, ${options.clients} clients)`);
    const result = await scenario.run(stack, options);
    results.push(result);
    printResult(result);
  }
  console.log('\nscenario                 subscriptions  recovered in   all paid in   client retries  invariants');
  for (const r of results) {
    console.log(`${r.name.padEnd(24)} ${String(r.subscriptions).padStart(13)}  ${seconds(r.recoverMs).padStart(11)}  ${seconds(r.allPaidMs).padStart(12)}  ${String(r.retries).padStart(14)}  ${r.ok ? 'hold' : 'BROKEN'}`);
  }
  return results.every((r) => r.ok);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function printResult(r: ScenarioResult): void {
  const { report } = r;
  const lines = [
    `  ${r.subscriptions} subscriptions, ${report.paidInvoices} paid invoices; recovered ${seconds(r.recoverMs)} after the fault ended (every subscription it caught paid), all paid after ${seconds(r.allPaidMs)}`,
    `  one successful charge per paid invoice: ${report.paidWithoutOneCharge.length === 0 ? 'yes' : `NO (${report.paidWithoutOneCharge.slice(0, 5).join(', ')})`}`,
    `  no charge for an unpaid invoice: ${report.chargedButUnpaid.length === 0 ? 'yes' : `NO (${report.chargedButUnpaid.slice(0, 5).join(', ')})`}; no charge without its invoice: ${report.orphanCharges.length === 0 ? 'yes' : `NO (${report.orphanCharges.slice(0, 5).join(', ')})`}`,
    `  one invoice per subscription and period: ${report.duplicatePeriods.length === 0 ? 'yes' : `NO (${report.duplicatePeriods.slice(0, 5).join(', ')})`}`,
    `  database status = workflow status: ${report.statusMismatches.length === 0 ? `yes (agreed ${seconds(report.statusSettleMs)} after the last invoice was paid)` : `NO (${report.statusMismatches.slice(0, 5).join('; ')})`}`,
    `  no workflow failed, stuck or asking for an operator: ${report.unhealthyWorkflows.length === 0 ? 'yes' : `NO (${report.unhealthyWorkflows.slice(0, 5).join('; ')})`}`,
  ];
  if (r.slowest !== null) lines.push(`  the slowest subscription the fault caught, its history from the fault's end: ${r.slowest}`);
  for (const line of lines) console.log(line);
  console.log(JSON.stringify({ chaos: r.name, subscriptions: r.subscriptions, recoverMs: r.recoverMs, allPaidMs: r.allPaidMs, retries: r.retries, statusSettleMs: report.statusSettleMs, ok: r.ok, broken: Object.fromEntries(Object.entries(report).filter(([, v]) => Array.isArray(v) && v.length > 0)) }));
}
