import type { Direction } from '../interactions/interactions.schema.js';
import type { WorkspaceSettings } from './workspaces.schema.js';

/** A sender (role from) or recipient of a message. */
export interface Addressed {
  role: 'from' | 'to' | 'cc' | 'bcc';
  email: string;
  name: string | null;
}

/** SPEC §3.2: an address is own when it is one of the workspace's addresses or in one of its domains. */
export function makeIsOwn(settings: Pick<WorkspaceSettings, 'own_addresses' | 'own_domains'>): (address: string) => boolean {
  const addresses = new Set(settings.own_addresses.map((a) => a.toLowerCase()));
  const domains = new Set(settings.own_domains.map((d) => d.toLowerCase().replace(/^@/, '')));
  return (address) => {
    const a = address.trim().toLowerCase();
    if (addresses.has(a)) return true;
    const at = a.lastIndexOf('@');
    return at >= 0 && domains.has(a.slice(at + 1));
  };
}

/** Splits the `--me` list: addresses go to own_addresses, `@domain` entries to own_domains. */
export function splitOwnList(items: string[]): { own_addresses: string[]; own_domains: string[] } {
  const own_addresses: string[] = [];
  const own_domains: string[] = [];
  for (const raw of items.map((i) => i.trim()).filter(Boolean)) {
    if (raw.startsWith('@')) own_domains.push(raw.slice(1).toLowerCase());
    else own_addresses.push(raw.toLowerCase());
  }
  return { own_addresses, own_domains };
}

/**
 * Direction and counterparts of a message from its sender and recipients: from an own address
 * it is outbound to the recipients that are not own (internal when there are none); otherwise
 * inbound, and the sender is the counterpart. Import and a change of own addresses both use it.
 */
export function deriveDirection<A extends Addressed>(addresses: readonly A[], isOwn: (address: string) => boolean): { direction: Direction; counterparts: A[] } {
  const from = addresses.find((a) => a.role === 'from');
  if (!from || !isOwn(from.email)) return { direction: 'in', counterparts: from ? [from] : [] };
  const counterparts: A[] = [];
  const seen = new Set<string>();
  for (const r of addresses) {
    if (r.role === 'from' || isOwn(r.email) || seen.has(r.email)) continue;
    seen.add(r.email);
    counterparts.push(r);
  }
  return { direction: counterparts.length === 0 ? 'internal' : 'out', counterparts };
}

/** Whether `patch` changes which addresses are own: stored mail must then be derived again. */
export function changesOwnAddresses(settings: Pick<WorkspaceSettings, 'own_addresses' | 'own_domains'>, patch: Partial<WorkspaceSettings>): boolean {
  const differs = (a: string[] | undefined, b: string[]) => a !== undefined && [...a].sort().join('\n') !== [...b].sort().join('\n');
  return differs(patch.own_addresses, settings.own_addresses) || differs(patch.own_domains, settings.own_domains);
}
