/**
 * Which IP addresses an outbound request may reach. Two policies:
 *
 * - `user`: only public unicast addresses. Anything a user types (their own
 *   notification target) and any URL that arrives inside a response.
 * - `admin`: also loopback and private ranges (Radarr or Gotify on the same
 *   box or the LAN is the common case), but never link-local, cloud
 *   metadata, unspecified, multicast or broadcast.
 *
 * IPv6 forms that carry an IPv4 address (mapped `::ffff:a.b.c.d`,
 * compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged
 * by the IPv4 address they carry, so `[::ffff:127.0.0.1]` is loopback.
 */
import { isIP } from "node:net";

/** Who chose the address: a user (strict) or an administrator (LAN allowed). */
export type OutboundPolicy = "user" | "admin";

/** What kind of address it is, as far as the policies care. */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved";

/** The classes each policy lets through. */
const ALLOWED: Record<OutboundPolicy, ReadonlySet<AddressClass>> = {
  user: new Set(["public"]),
  admin: new Set(["public", "loopback", "private"]),
};

/** `true` when `policy` allows connecting to `address` (an IP literal). */
export function addressAllowed(address: string, policy: OutboundPolicy): boolean {
  return ALLOWED[policy].has(classifyAddress(address));
}

type V4Range = [number, number, AddressClass];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

// Most specific first: the metadata address sits inside link-local.
const V4_RANGES: Array<[number, number, AddressClass]> = ([
  [[169, 254, 169, 254], 32, "metadata"],
  [[255, 255, 255, 255], 32, "broadcast"],
  [[0, 0, 0, 0], 8, "unspecified"],
  [[127, 0, 0, 0], 8, "loopback"],
  [[10, 0, 0, 0], 8, "private"],
  [[172, 16, 0, 0], 12, "private"],
  [[192, 168, 0, 0], 16, "private"],
  [[100, 64, 0, 0], 10, "private"],
  [[169, 254, 0, 0], 16, "link-local"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved"],
  [[192, 0, 0, 0], 24, "reserved"],
  [[192, 0, 2, 0], 24, "reserved"],
  [[198, 18, 0, 0], 15, "reserved"],
  [[198, 51, 100, 0], 24, "reserved"],
  [[203, 0, 113, 0], 24, "reserved"],
] as Array<[number[], number, AddressClass]>).map(([p, bits, cls]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [(v4(p[0], p[1], p[2], p[3]) & mask) >>> 0, mask, cls] as V4Range;
});

function classifyV4(n: number): AddressClass {
  for (const [base, mask, cls] of V4_RANGES) {
    if (((n & mask) >>> 0) === base) return cls;
  }
  return "public";
}

function parseV4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const nums = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (nums.some((x) => !(x >= 0 && x <= 255))) return undefined;
  return v4(nums[0], nums[1], nums[2], nums[3]);
}

/** The eight 16-bit groups of an IPv6 literal (zone id dropped). */
function parseV6(text: string): number[] | undefined {
  let s = text.replace(/^\[|\]$/g, "").split("%")[0].toLowerCase();
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    const n = parseV4(s.slice(lastColon + 1));
    if (n === undefined) return undefined;
    tail = [n >>> 16, n & 0xffff];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith("::")) s = s.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const zeros = new Array(8 - total).fill("0");
  const all = [...head, ...(halves.length === 2 ? zeros : []), ...rest];
  const out = all.map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  if (out.some((x) => Number.isNaN(x))) return undefined;
  return [...out, ...tail];
}

function classifyV6(g: number[]): AddressClass {
  const embedded = (hi: number, lo: number) => classifyV4(((hi << 16) >>> 0) + lo);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return "unspecified";
  if (zeroUpTo(7) && g[7] === 1) return "loopback";
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6], g[7]); // IPv4-mapped
  if (zeroUpTo(6)) return embedded(g[6], g[7]); // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return embedded(g[6], g[7]); // NAT64 well-known prefix
  }
  if (g[0] === 0x2002) return embedded(g[1], g[2]); // 6to4
  // AWS's IPv6 instance metadata endpoint, inside the ULA range.
  if (g[0] === 0xfd00 && g[1] === 0xec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) {
    return "metadata";
  }
  if ((g[0] & 0xfe00) === 0xfc00) return "private"; // ULA fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0] & 0xffc0) === 0xfec0) return "reserved"; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "reserved"; // documentation
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return "reserved"; // discard
  return "public";
}

/** Classifies an IP literal (IPv4, IPv6, bracketed IPv6); anything else is `reserved`. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "");
  const kind = isIP(bare.split("%")[0]);
  if (kind === 4) {
    const n = parseV4(bare);
    return n === undefined ? "reserved" : classifyV4(n);
  }
  if (kind === 6) {
    const g = parseV6(bare);
    return g === undefined ? "reserved" : classifyV6(g);
  }
  return "reserved";
}
