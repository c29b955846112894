/**
 * The unit a client address is limited by. An IPv4 address is one client;
 * an IPv6 client usually holds a whole /64 (a home or a cloud VM gets one and
 * may pick any address in it), so limits keyed by the full address would be
 * trivially escaped. IPv6 addresses are therefore bucketed by their /64.
 */

function expand(ip: string): string[] | undefined {
  const [head, tail, ...rest] = ip.split("::");
  if (rest.length) return undefined;
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  if (tail === undefined) return h.length === 8 ? h : undefined;
  const fill = 8 - h.length - t.length;
  return fill < 1 ? undefined : [...h, ...Array(fill).fill("0"), ...t];
}

/** Returns `ip` for IPv4 (and anything unparsable), `xxxx:xxxx:xxxx:xxxx::/64` for IPv6. */
export function addressBucket(ip: string): string {
  if (!ip.includes(":")) return ip;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") does not matter for the /64 prefix.
  const groups = expand(ip.split("%")[0].replace(/:(\d+\.){3}\d+$/, ":0:0").toLowerCase());
  if (!groups) return ip;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":") + "::/64";
}
