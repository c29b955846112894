/**
 * A tiny authoritative DNS server on UDP 127.0.0.1 for the SSRF tests: it
 * answers A and AAAA queries from a fixed table, in the order given (so a
 * name can answer a public address first and loopback second), and NXDOMAIN
 * for anything else. Wire format per RFC 1035: one question, answers with
 * a compression pointer to it. Point the outbound resolver at it with
 * `createResolver({ nameServer: { ipAddr: "127.0.0.1", port } })`.
 */
import dgram from "node:dgram";
import { isIP } from "node:net";

/** A running DNS stand-in. */
export interface FakeDns {
  readonly port: number;
  /** How many queries it has answered, per lower-cased name. */
  readonly queries: Map<string, number>;
  close(): Promise<void>;
}

function readName(msg: Uint8Array, at: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = at;
  while (msg[i] !== 0) {
    const len = msg[i];
    labels.push(new TextDecoder().decode(msg.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  return { name: labels.join(".").toLowerCase(), end: i + 1 };
}

function v6Bytes(address: string): number[] {
  const [head, tail] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = [...h, ...new Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** Starts the stand-in with `records`: name → addresses (IPv4 and IPv6 mixed). */
export async function startFakeDns(records: Record<string, string[]>): Promise<FakeDns> {
  const socket = dgram.createSocket("udp4");
  const queries = new Map<string, number>();
  socket.on("message", (raw: Uint8Array, rinfo: { address: string; port: number }) => {
    const msg = new Uint8Array(raw);
    const { name, end } = readName(msg, 12);
    const qtype = (msg[end] << 8) | msg[end + 1];
    queries.set(name, (queries.get(name) ?? 0) + 1);
    const known = records[name];
    const answers = (known ?? []).filter((
      a,
    ) => (qtype === 1 ? isIP(a) === 4 : qtype === 28 ? isIP(a) === 6 : false));
    const header = [
      msg[0],
      msg[1], // id
      0x84 | (msg[2] & 0x01),
      known ? 0x00 : 0x03, // QR AA RD; NOERROR or NXDOMAIN
      0,
      1, // one question
      answers.length >> 8,
      answers.length & 0xff,
      0,
      0,
      0,
      0,
    ];
    const question = [...msg.subarray(12, end + 4)];
    const rrs = answers.flatMap((a) => {
      const rdata = isIP(a) === 4 ? a.split(".").map(Number) : v6Bytes(a);
      return [0xc0, 12, 0, qtype, 0, 1, 0, 0, 0, 5, 0, rdata.length, ...rdata];
    });
    socket.send(new Uint8Array([...header, ...question, ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  return {
    port: socket.address().port,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
