/**
 * SSRF protection for webhook targets: private, loopback, link-local, CGNAT, multicast and
 * reserved addresses are refused unless the server allows them. The check runs when the
 * connection is made, on every delivery: in the DNS lookup of the connection itself (so a
 * name that resolves to a public address when the webhook is saved and to 127.0.0.1 later,
 * DNS rebinding, is still refused) and on an IP literal, which Node connects to without a
 * lookup. A webhook saved while private targets were allowed stops delivering once they
 * are not.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction, type NetConnectOpts, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const blocked4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked4.addSubnet(net, prefix, 'ipv4');

const blocked6 = new BlockList();
for (const [net, prefix] of [
  // Unspecified, loopback, IPv4-compatible (::a.b.c.d) and the rest of ::/8.
  ['::', 8],
  // NAT64 (well-known and local-use prefixes): the gateway reaches any IPv4 address, private ones too.
  ['64:ff9b::', 96], ['64:ff9b:1::', 48],
  ['100::', 64],
  // IETF protocol assignments, Teredo (2001::/32) among them: tunnels to an embedded IPv4 address.
  ['2001::', 23], ['2001:db8::', 32],
  // 6to4: the relay reaches the embedded IPv4 address, 127.0.0.1 or 169.254.169.254 included.
  ['2002::', 16],
  ['3fff::', 20], ['5f00::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked6.addSubnet(net, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address, or null when it is not one. */
function ipv6Bytes(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.flatMap((g) => {
    const n = Number.parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

/**
 * The IPv4 address an IPv6 address stands for when a host connects to it as IPv4: mapped
 * (::ffff:a.b.c.d) and translated (::ffff:0:a.b.c.d).
 */
function embeddedIpv4(bytes: number[]): string | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const ffff = bytes[10] === 255 && bytes[11] === 255;
  const mapped = zeros(0, 10) && ffff;
  const translated = zeros(0, 8) && bytes[8] === 255 && bytes[9] === 255 && zeros(10, 12);
  return mapped || translated ? bytes.slice(12).join('.') : null;
}

/**
 * True for any address a webhook must not reach by default: private, loopback, link-local
 * (cloud metadata), CGNAT, multicast, reserved and documentation ranges, in either family,
 * and IPv6 forms that carry an IPv4 address (mapped, translated, compatible, NAT64, 6to4,
 * Teredo).
 */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked4.check(address, 'ipv4');
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4) return blocked4.check(v4, 'ipv4');
  return blocked6.check(address, 'ipv6');
}

export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKED';
}

/** A dns.lookup for http.request that fails for refused addresses. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const bad = list.find((a) => !allowPrivate && isPrivateAddress(a.address));
      if (bad) return callback(new BlockedAddressError(`${hostname} resolves to ${bad.address}, a private or reserved address`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/** The reason a target URL is refused, or null: checks literal IPs and what the name resolves to. */
export async function refusedTargetReason(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? `${host} is a private, loopback or reserved address` : null;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
  return new Promise((resolve) => {
    dnsLookup(host, { all: true }, (error, addresses) => {
      // A name that does not resolve now may later; the delivery-time check still guards it.
      if (error) return resolve(null);
      const bad = addresses.find((a) => isPrivateAddress(a.address));
      resolve(bad ? `${host} resolves to ${bad.address}, a private or reserved address` : null);
    });
  });
}

/** Refuses a connection to a private IP literal; names go through `guardedLookup`. */
function checkLiteral(host: string | undefined, allowPrivate: boolean) {
  const bare = (host ?? '').replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(bare) && isPrivateAddress(bare)) throw new BlockedAddressError(`${bare} is a private, loopback or reserved address`);
}

/**
 * HTTP and HTTPS agents whose every connection is checked: IP literals before connecting,
 * names by resolving them and checking each address the connection may use.
 */
export function guardedAgents(allowPrivate: boolean): { http: http.Agent; https: https.Agent } {
  const lookup = guardedLookup(allowPrivate);
  const guard = <A extends http.Agent>(agent: A, create: (options: NetConnectOpts, callback: (error: Error | null, socket: Duplex) => void) => Duplex | Socket): A => {
    (agent as unknown as { createConnection: typeof create }).createConnection = (options, callback) => {
      checkLiteral((options as { host?: string }).host, allowPrivate);
      return create({ ...options, lookup }, callback);
    };
    return agent;
  };
  const plain = new http.Agent();
  const secure = new https.Agent();
  const createPlain = plain.createConnection.bind(plain) as unknown as Parameters<typeof guard>[1];
  const createSecure = secure.createConnection.bind(secure) as unknown as Parameters<typeof guard>[1];
  return { http: guard(plain, createPlain), https: guard(secure, createSecure) };
}
