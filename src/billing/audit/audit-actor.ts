/**
 * Who made a change, as stored in the audit row's `actor` column: `api_key:<id>` (with the key's
 * name beside it), `workflow:<workflow id>`, `schedule:<schedule id>`, or `system`.
 */
export type AuditActor =
  | { type: 'api_key'; apiKeyId: string; apiKeyName: string | null }
  | { type: 'system'; workflowId: string | null; scheduleId: string | null };

export function actorColumn(actor: AuditActor): string {
  if (actor.type === 'api_key') return `api_key:${actor.apiKeyId}`;
  if (actor.scheduleId !== null) return `schedule:${actor.scheduleId}`;
  if (actor.workflowId !== null) return `workflow:${actor.workflowId}`;
  return 'system';
}

export function actorOf(column: string, name: string | null): AuditActor {
  if (column.startsWith('api_key:')) return { type: 'api_key', apiKeyId: column.slice('api_key:'.length), apiKeyName: name };
  if (column.startsWith('schedule:')) return { type: 'system', workflowId: null, scheduleId: column.slice('schedule:'.length) };
  if (column.startsWith('workflow:')) return { type: 'system', workflowId: column.slice('workflow:'.length), scheduleId: null };
  return { type: 'system', workflowId: null, scheduleId: null };
}
