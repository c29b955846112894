import sharp from "sharp";
import { assert, assertEquals } from "../../tests/assert.ts";
import { ImageRejectedError, inspectImage, tmdbImageUrl } from "./image_source.ts";

async function rejected(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    if (e instanceof ImageRejectedError) return e.reason;
    throw e;
  }
  throw new Error("not rejected");
}

Deno.test("tmdbImageUrl builds only <base>/original<path> and refuses any other path", async () => {
  const base = "https://image.tmdb.org/t/p";
  assertEquals(
    tmdbImageUrl(base, "/kqjL17yufvn9OVLyXYpvtyrFfak.jpg").href,
    "https://image.tmdb.org/t/p/original/kqjL17yufvn9OVLyXYpvtyrFfak.jpg",
  );
  assertEquals(
    tmdbImageUrl(base + "/", "/a_b-c.png").href,
    "https://image.tmdb.org/t/p/original/a_b-c.png",
  );
  for (
    const bad of [
      "//127.0.0.1:9/x.jpg",
      "http://127.0.0.1:9/x.jpg",
      "/../x.jpg",
      "/../x",
      "/%2e%2e/x.jpg",
      "/x.jpg?u=http://127.0.0.1",
      "/x.jpg#frag",
      "/a/b.jpg",
      "/x.gif",
      "x.jpg",
      "/x.jpg\n",
      "/x\\..\\y.jpg",
      "/@127.0.0.1/x.jpg",
      "",
    ]
  ) {
    assertEquals(await rejected(() => tmdbImageUrl(base, bad)), "Not a TMDb image path.", bad);
  }
  assertEquals(
    await rejected(() => tmdbImageUrl("file:///etc", "/passwd.jpg")),
    "The TMDb image base URL is not http(s).",
  );
});

Deno.test("inspectImage measures a whole image and refuses what is not one", async () => {
  const jpeg = await sharp({
    create: {
      width: 300,
      height: 450,
      channels: 3,
      background: "#808080",
      noise: { type: "gaussian", mean: 120, sigma: 40 },
    },
  }).jpeg().toBuffer();
  const ok = await inspectImage(jpeg);
  assertEquals([ok.width, ok.height, ok.contentType], [300, 450, "image/jpeg"]);
  assert(/^[0-9a-f]{64}$/.test(ok.sha256));
  assertEquals(ok.blurhash.length, 4 + 2 * (4 * 3 - 1) + 2, "4x3 components");
  assertEquals(
    await rejected(inspectImage(new TextEncoder().encode("<html>no</html>"))),
    "Not an image.",
  );
  assert(
    (await rejected(inspectImage(jpeg.subarray(0, jpeg.length >> 1)))).startsWith(
      "The image is damaged",
    ),
  );
  const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } })
    .gif().toBuffer();
  assert((await rejected(inspectImage(gif))).startsWith("Not a supported image format"));
  const svg = (body: string) =>
    new TextEncoder().encode(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">${body}</svg>`,
    );
  assertEquals(
    (await inspectImage(svg('<rect width="10" height="10"/>'))).contentType,
    "image/svg+xml",
  );
  assertEquals(
    await rejected(
      inspectImage(svg('<image xlink:href="http://127.0.0.1:9/x.png" width="5" height="5"/>')),
    ),
    "The SVG refers to other files.",
  );
  assertEquals(
    await rejected(inspectImage(svg('<image href="file:///etc/passwd" width="5" height="5"/>'))),
    "The SVG refers to other files.",
  );
});
