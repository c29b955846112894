/**
 * A VobSub (DVD `dvd_subtitle`) track written by hand: this ffmpeg (5.1)
 * cannot encode text into bitmap subtitles, so the subpictures are built
 * here, byte by byte, as a DVD has them: an MPEG-PS `.sub` of private
 * stream 1 packets, each one SPU (run-length coded 2-bit pixels, interlaced
 * fields, a control sequence that shows it and one that hides it ~1 s
 * later), and the `.idx` that ffmpeg's vobsub demuxer reads. Each cue is a
 * white 64×16 box at (10, 10).
 */

/** Where the box is drawn, for assertions. */
export const VOBSUB_BOX = { x: 10, y: 10, width: 64, height: 16 } as const;

function spu(): number[] {
  const { x, y, width, height } = VOBSUB_BOX;
  // One line: a run of 64 pixels of colour 1 (the 16-bit run code, 64 << 2 | 1).
  const line = [0x01, 0x01];
  const top: number[] = [];
  const bottom: number[] = [];
  for (let i = 0; i < height; i++) (i % 2 ? bottom : top).push(...line);
  const topOff = 4;
  const botOff = 4 + top.length;
  const dcsq1 = 4 + top.length + bottom.length;
  const x2 = x + width - 1;
  const y2 = y + height - 1;
  const show = [
    ...[0x03, 0x32, 0x10], // colours → palette entries 3 2 1 0 (colour 1: white)
    ...[0x04, 0xff, 0xf0], // colour 0 transparent, the others opaque
    ...[0x05, x >> 4, ((x & 0xf) << 4) | (x2 >> 8), x2 & 0xff],
    ...[y >> 4, ((y & 0xf) << 4) | (y2 >> 8), y2 & 0xff],
    ...[0x06, topOff >> 8, topOff & 0xff, botOff >> 8, botOff & 0xff],
    0x01, // start display
    0xff,
  ];
  const dcsq2 = dcsq1 + 4 + show.length;
  const delay = 88; // units of 1024/90000 s: ~1 s
  const body = [
    ...top,
    ...bottom,
    ...[0, 0, dcsq2 >> 8, dcsq2 & 0xff, ...show],
    ...[delay >> 8, delay & 0xff, dcsq2 >> 8, dcsq2 & 0xff, 0x02, 0xff], // stop display
  ];
  const size = 4 + body.length;
  return [size >> 8, size & 0xff, dcsq1 >> 8, dcsq1 & 0xff, ...body];
}

function pts(sec: number): number[] {
  const v = Math.round(sec * 90000);
  const hi = Math.floor(v / 2 ** 30) & 7;
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  return [0x21 | (hi << 1), mid >> 7, ((mid & 0x7f) << 1) | 1, lo >> 7, ((lo & 0x7f) << 1) | 1];
}

function pack(sec: number): number[] {
  const pes = [0x81, 0x80, 5, ...pts(sec), 0x20, ...spu()];
  // MPEG-2 pack header: SCR 0, a mux rate, no stuffing.
  const scr = [0x44, 0x00, 0x04, 0x00, 0x04, 0x01, 0x01, 0x89, 0xc3, 0xf8];
  return [0, 0, 1, 0xba, ...scr, 0, 0, 1, 0xbd, pes.length >> 8, pes.length & 0xff, ...pes];
}

const PALETTE = "000000, ffffff, ff0000, 00ff00, 0000ff, ffff00, ff00ff, 00ffff, " +
  "808080, 800000, 008000, 000080, 808000, 800080, 008080, c0c0c0";

function stamp(sec: number): string {
  const ms = Math.round(sec * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${
    p(Math.floor(ms / 1000) % 60)
  }:${p(ms % 1000, 3)}`;
}

/** Writes `<base>.idx` and `<base>.sub` with a box shown at each of `startsSec`; answers the .idx path. */
export async function writeVobSub(base: string, startsSec: number[]): Promise<string> {
  const packs = startsSec.map(pack);
  const lines = [
    "# VobSub index file, v7",
    "size: 320x180",
    `palette: ${PALETTE}`,
    "id: en, index: 0",
  ];
  let at = 0;
  for (const [i, p] of packs.entries()) {
    lines.push(`timestamp: ${stamp(startsSec[i])}, filepos: ${at.toString(16).padStart(9, "0")}`);
    at += p.length;
  }
  await Deno.writeFile(`${base}.sub`, new Uint8Array(packs.flat()));
  await Deno.writeTextFile(`${base}.idx`, lines.join("\n") + "\n");
  return `${base}.idx`;
}
