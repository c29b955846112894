/**
 * Who is calling: the socket peer, unless that peer is a configured trusted
 * proxy, in which case `X-Forwarded-For` is walked from the right and the
 * first untrusted hop wins. A spoofed header from anyone else is ignored.
 */
import type { MiddlewareHandler } from "hono";
import { BlockList, isIP } from "node:net";
import type { AppEnv } from "../types.ts";
import type { RequestStep } from "./steps.ts";

/** Returns the peer address of the connection, if the runtime gives one. */
export type PeerAddress = (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined;

/** Builds a matcher for IPs and CIDR ranges. */
export function createProxyMatcher(ranges: string[]): (ip: string) => boolean {
  // The usual case, no proxy: BlockList.check builds a SocketAddress per call,
  // the costliest step of a request that reaches no database.
  if (!ranges.length) return () => false;
  const list = new BlockList();
  for (const r of ranges) {
    const [ip, bits] = r.split("/");
    const type = isIP(ip) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  // Requests come from few distinct peers (the proxies themselves): remember
  // the answers, in a bounded map.
  const known = new Map<string, boolean>();
  return (ip) => {
    let hit = known.get(ip);
    if (hit === undefined) {
      const v = normalise(ip);
      const t = isIP(v);
      hit = t !== 0 && list.check(v, t === 6 ? "ipv6" : "ipv4");
      if (known.size >= 4096) known.clear();
      known.set(ip, hit);
    }
    return hit;
  };
}

function normalise(ip: string): string {
  // IPv4-mapped IPv6 addresses are IPv4 for our purposes.
  return ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** Sets `c.var.clientIp` and `c.var.secure`. */
export function clientAddress(trustedProxies: string[], peer: PeerAddress): RequestStep {
  const trusted = createProxyMatcher(trustedProxies);
  return function clientAddressStep(c) {
    const socketIp = normalise(peer(c) ?? "127.0.0.1");
    let ip = socketIp;
    // The URL is absolute and its scheme lower-case: no need to parse it.
    let secure = c.req.url.startsWith("https:");
    if (trusted(socketIp)) {
      const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((s) => s.trim())
        .filter((s) => isIP(normalise(s)) !== 0).map(normalise);
      while (hops.length && trusted(ip)) ip = hops.pop()!;
      const proto = c.req.header("x-forwarded-proto")?.split(",")[0].trim();
      if (proto) secure = proto === "https";
    }
    c.set("clientIp", ip);
    c.set("secure", secure);
    return undefined;
  };
}
