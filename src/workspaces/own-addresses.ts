import type { WorkspaceSettings } from './workspaces.schema.js';

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
