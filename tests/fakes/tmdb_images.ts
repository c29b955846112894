/**
 * Real image bytes for the fake TMDb: one JPEG per artwork shape (poster,
 * backdrop, profile) and one PNG logo, made once per process with ffmpeg's
 * lavfi test sources. Each file path gets distinct bytes (its name is written
 * into a JPEG comment segment or a PNG `tEXt` chunk), so caches keyed by
 * content see different images.
 */

interface Templates {
  poster: Uint8Array;
  backdrop: Uint8Array;
  profile: Uint8Array;
  logo: Uint8Array;
}

let templates: Promise<Templates> | undefined;

async function render(dir: string, name: string, args: string[]): Promise<Uint8Array> {
  const out = `${dir}/${name}`;
  const { success, stderr } = await new Deno.Command("ffmpeg", {
    args: [
      "-hide_banner",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      ...args,
      "-frames:v",
      "1",
      out,
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!success) throw new Error(`ffmpeg: ${new TextDecoder().decode(stderr).slice(0, 4000)}`);
  return await Deno.readFile(out);
}

function makeTemplates(): Promise<Templates> {
  templates ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "fake-tmdb-images-" });
    try {
      const [poster, backdrop, profile, logo] = await Promise.all([
        render(dir, "poster.jpg", ["-i", "testsrc2=s=500x750"]),
        render(dir, "backdrop.jpg", ["-i", "testsrc2=s=1280x720"]),
        render(dir, "profile.jpg", ["-i", "testsrc=s=185x278"]),
        render(dir, "logo.png", ["-i", "rgbtestsrc=s=500x200", "-pix_fmt", "rgba"]),
      ]);
      return { poster, backdrop, profile, logo };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  })();
  return templates;
}

/** Which template a file path uses, from its deterministic prefix. */
function shapeOf(file: string): keyof Templates {
  if (file.endsWith(".png")) return "logo";
  if (file.startsWith("/pr")) return "profile";
  if (file.startsWith("/b") || file.startsWith("/cb")) return "backdrop";
  return "poster";
}

/** Width and height of the image served for `file`. */
export function imageSize(file: string): { width: number; height: number } {
  switch (shapeOf(file)) {
    case "backdrop":
      return { width: 1280, height: 720 };
    case "profile":
      return { width: 185, height: 278 };
    case "logo":
      return { width: 500, height: 200 };
    default:
      return { width: 500, height: 750 };
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function tagJpeg(jpeg: Uint8Array, text: Uint8Array): Uint8Array<ArrayBuffer> {
  // SOI, then a COM segment (FF FE, 2-byte length including itself), then the rest.
  const out = new Uint8Array(jpeg.length + 4 + text.length);
  out.set(jpeg.subarray(0, 2));
  out.set([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff], 2);
  out.set(text, 6);
  out.set(jpeg.subarray(2), 6 + text.length);
  return out;
}

function tagPng(png: Uint8Array, text: Uint8Array): Uint8Array<ArrayBuffer> {
  // A tEXt chunk right after the 8-byte signature and the 25-byte IHDR chunk.
  const at = 8 + 25;
  const data = new Uint8Array(4 + 8 + text.length);
  data.set(new TextEncoder().encode("tEXt"));
  data.set(new TextEncoder().encode("Comment\0"), 4);
  data.set(text, 12);
  const chunk = new Uint8Array(4 + data.length + 4);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length - 4);
  chunk.set(data, 4);
  view.setUint32(4 + data.length, crc32(data));
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, at));
  out.set(chunk, at);
  out.set(png.subarray(at), at + chunk.length);
  return out;
}

/** The bytes and content type served for `file` (a TMDb file path such as `/p603.jpg`). */
export async function imageBytes(
  file: string,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; type: string }> {
  const t = await makeTemplates();
  const shape = shapeOf(file);
  const text = new TextEncoder().encode(file);
  if (shape === "logo") return { bytes: tagPng(t.logo, text), type: "image/png" };
  return { bytes: tagJpeg(t[shape], text), type: "image/jpeg" };
}
