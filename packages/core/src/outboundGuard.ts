import ipaddr from 'ipaddr.js';

/**
 * Which destinations outbound requests may reach. Only globally routable unicast addresses pass; everything else
 * (private, loopback, link-local incl. 169.254.169.254, CGNAT, multicast, broadcast, unspecified, reserved and
 * documentation ranges, unique-local IPv6, and IPv6 forms that embed an IPv4 address: mapped, NAT64, 6to4, Teredo)
 * is refused unless the allowlist names it.
 */
export class AddressGuard {
  readonly #hosts = new Set<string>();
  readonly #ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  /** `allowlist`: host names, IP addresses or CIDR ranges (e.g. `127.0.0.1`, `10.0.0.0/8`, `localhost`). */
  constructor(allowlist: readonly string[]) {
    for (const raw of allowlist) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (entry === '') continue;
      if (entry.includes('/')) {
        this.#ranges.push(normalizeRange(ipaddr.parseCIDR(entry)));
      } else if (ipaddr.isValid(entry)) {
        const addr = normalize(ipaddr.parse(entry));
        this.#ranges.push([addr, addr.kind() === 'ipv4' ? 32 : 128]);
      } else {
        this.#hosts.add(entry);
      }
    }
  }

  /** Whether a host name is allowlisted by name (its addresses are then not checked). */
  allowsHost(hostname: string): boolean {
    return this.#hosts.has(hostname.toLowerCase());
  }

  /** Why `address` may not be reached, or null when it may. */
  refusal(address: string): string | null {
    if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
    const addr = normalize(ipaddr.parse(address));
    for (const [range, bits] of this.#ranges) {
      if (range.kind() === addr.kind() && addr.match(range, bits)) return null;
    }
    const range = addr.range();
    return range === 'unicast' ? null : `${addr.toString()} is a ${describeRange(range)} address`;
  }
}

/** The address without its IPv4-mapped IPv6 wrapping (`::ffff:127.0.0.1` is 127.0.0.1). */
function normalize(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

function normalizeRange([addr, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): [
  ipaddr.IPv4 | ipaddr.IPv6,
  number,
] {
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return [(addr as ipaddr.IPv6).toIPv4Address(), bits - 96];
  }
  return [addr, bits];
}

const RANGE_NAMES: Record<string, string> = {
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  uniqueLocal: 'unique-local',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
  rfc6052: 'NAT64 (IPv4-embedding)',
  '6to4': '6to4 (IPv4-embedding)',
  teredo: 'Teredo (IPv4-embedding)',
  rfc6145: 'IPv4-translated',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `non-public (${range})`;
}

/** Whether a host name is a `localhost` name (RFC 6761: `localhost` and any name under `.localhost`). */
export function isLocalhostName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * A URL fit for an error message or a log line: its user name and password (which some put in webhook URLs) are
 * replaced by `***`. Text that does not parse as a URL is cleaned the same way by pattern.
 */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.username && !url.password) return raw;
    url.username = '***';
    url.password = '';
    return url.toString();
  } catch {
    return raw.replace(/(\/\/)[^/?#@]*@/, '$1***@');
  }
}

/** Which outbound URLs are acceptable before any name is resolved (from OUTBOUND_ALLOW_HTTP, OUTBOUND_ALLOWLIST). */
export interface OutboundPolicy {
  /** Allow plain `http://` (HTTPS only otherwise). */
  allowHttp: boolean;
  /** Host names, IPs or CIDR ranges exempt from the private-address guard. */
  allowlist: readonly string[];
}

/** The host of a parsed URL without the brackets of an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** Whether a URL's (already normalised) host is an IP address literal rather than a name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(host) || (host.includes(':') && ipaddr.IPv6.isValid(host));
}

const TOKEN = /\{\{[^}]*\}\}/g;
const guards = new WeakMap<readonly string[], AddressGuard>();

/**
 * Why an outbound URL may not be saved or called, judged without the network, or null: malformed, a scheme other
 * than https (http too when allowed), credentials, a literal non-public address or a `localhost` name (unless
 * allowlisted). Names are resolved, and every address checked, by the worker at each call. Merge tokens (`{{…}}`)
 * are known only when a step runs: a URL that starts with one is left to that check, and in any other the tokens
 * stand as plain text. The reason never contains the URL's credentials.
 */
export function urlRefusal(raw: string, policy: OutboundPolicy): string | null {
  if (raw.trimStart().startsWith('{{')) return null;
  const text = raw.replace(TOKEN, 'x');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${JSON.stringify(redactUrl(text))} is not a valid URL`;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    const allowed = policy.allowHttp ? 'http:// or https://' : 'https://';
    return `only ${allowed} URLs are allowed (got ${url.protocol}//)`;
  }
  if (url.username || url.password) return 'URLs with credentials are not allowed';
  let guard = guards.get(policy.allowlist);
  if (!guard) {
    guard = new AddressGuard(policy.allowlist);
    guards.set(policy.allowlist, guard);
  }
  const host = bareHost(url.hostname);
  if (guard.allowsHost(host)) return null;
  const literal = isIpLiteral(host) ? host : isLocalhostName(host) ? '127.0.0.1' : null;
  if (literal === null) return null;
  const why = guard.refusal(literal);
  if (!why) return null;
  const via = literal === host ? '' : ` (${host} resolves to it)`;
  return `${why}${via}; only public addresses can be called`;
}
