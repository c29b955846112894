/**
 * Name resolution for outbound requests: every A and AAAA answer of a name,
 * so that the caller can check all of them. `localhost` and `*.localhost`
 * are loopback without asking anyone (RFC 6761), as every resolver would
 * answer. The name server is configurable (`net.dnsServer`) so that tests
 * can point it at a local stand-in.
 */
import { ValidationError } from "../model/errors.ts";

/** Resolves a host name to its IP addresses (IPv4 and IPv6), in answer order. */
export type Resolve = (host: string) => Promise<string[]>;

/** Options of {@linkcode createResolver}. */
export interface ResolverOptions {
  /** A name server to ask instead of the system's (tests: a local stand-in). */
  nameServer?: { ipAddr: string; port: number };
}

/** Parses `host:port` or `[v6]:port` into a name server, or undefined for "". */
export function parseNameServer(text: string | undefined): ResolverOptions["nameServer"] {
  if (!text) return undefined;
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  if (!m) throw new ValidationError(`Name server ${text} is not host:port.`);
  return { ipAddr: m[1], port: Number(m[2]) };
}

/** A {@linkcode Resolve} that asks DNS for A and AAAA records. */
export function createResolver(options: ResolverOptions = {}): Resolve {
  const dnsOptions = options.nameServer ? { nameServer: options.nameServer } : undefined;
  return async function resolve(host: string): Promise<string[]> {
    const name = host.toLowerCase().replace(/\.$/, "");
    if (name === "localhost" || name.endsWith(".localhost")) return ["127.0.0.1", "::1"];
    const [a, aaaa] = await Promise.allSettled([
      Deno.resolveDns(name, "A", dnsOptions),
      Deno.resolveDns(name, "AAAA", dnsOptions),
    ]);
    const found = [
      ...(a.status === "fulfilled" ? a.value : []),
      ...(aaaa.status === "fulfilled" ? aaaa.value : []),
    ];
    return found;
  };
}
