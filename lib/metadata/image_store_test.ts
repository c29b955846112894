import sharp from "sharp";
import { assert, assertEquals } from "../../tests/assert.ts";
import { createImageStore, outputFormat } from "./image_store.ts";

async function poster(): Promise<Uint8Array> {
  return await sharp({
    create: { width: 500, height: 750, channels: 3, background: { r: 20, g: 90, b: 200 } },
  }).jpeg().toBuffer();
}

const sha = (c: string) => c.repeat(64);

Deno.test("ImageStore.variant resizes once under concurrent requests and keeps the file", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-store-" });
  try {
    const store = createImageStore(dataDir);
    const image = { id: crypto.randomUUID(), sha256: sha("a"), contentType: "image/jpeg" };
    await store.saveOriginal(image, await poster());
    const all = await Promise.all(
      Array.from({ length: 8 }, () => store.variant(image, "w342", true)),
    );
    assertEquals(all.filter((v) => v.created).length, 1, "one request resized");
    assertEquals(new Set(all.map((v) => v.relative)).size, 1);
    const path = `${store.root}/${all[0].relative}`;
    const meta = await sharp(path).metadata();
    assertEquals([meta.format, meta.width, meta.height], ["webp", 342, 513]);
    const again = await store.variant(image, "w342", true);
    assertEquals(again.created, false, "cached");
    const names = [...Deno.readDirSync(`${store.root}/${image.id}/${"a".repeat(16)}`)]
      .map((e) => e.name).sort();
    assertEquals(names, ["original.jpg", "w342.webp"], "no temporary file is left");
    // JPEG for clients without WebP; never enlarged past the original.
    const big = await store.variant(image, "w780", false);
    const bigMeta = await sharp(`${store.root}/${big.relative}`).metadata();
    assertEquals([big.contentType, bigMeta.format, bigMeta.width], ["image/jpeg", "jpeg", 500]);
    const original = await store.variant(image, "original", true);
    assertEquals([original.format, original.contentType], ["original", "image/jpeg"]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("ImageStore.saveOriginal replaces an image's older version", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "revenge-store-" });
  try {
    const store = createImageStore(dataDir);
    const id = crypto.randomUUID();
    const v1 = { id, sha256: sha("1"), contentType: "image/jpeg" };
    await store.saveOriginal(v1, await poster());
    await store.variant(v1, "w92", true);
    const v2 = { id, sha256: sha("2"), contentType: "image/jpeg" };
    await store.saveOriginal(v2, await poster());
    assertEquals([...Deno.readDirSync(`${store.root}/${id}`)].map((e) => e.name), ["2".repeat(16)]);
    let missing = false;
    await store.variant(v1, "w92", true).catch((e) => missing = e instanceof Deno.errors.NotFound);
    assert(missing, "the old version is gone");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("ImageStore refuses rows whose id, digest or type could not name a cache file", async () => {
  const store = createImageStore("/nonexistent");
  for (
    const bad of [
      { id: "../../etc", sha256: sha("a"), contentType: "image/jpeg" },
      { id: crypto.randomUUID(), sha256: "../" + sha("a").slice(3), contentType: "image/jpeg" },
      { id: crypto.randomUUID(), sha256: sha("a"), contentType: "text/html" },
    ]
  ) {
    let refused = false;
    await store.variant(bad, "w92", true).catch((e) =>
      refused = /not a cacheable row/.test(e.message)
    );
    assert(refused, JSON.stringify(bad));
  }
});

Deno.test("outputFormat is WebP when accepted, else JPEG for JPEG originals and PNG for the rest", () => {
  assertEquals(outputFormat("image/jpeg", true), "webp");
  assertEquals(outputFormat("image/jpeg", false), "jpeg");
  assertEquals(outputFormat("image/png", false), "png");
  assertEquals(outputFormat("image/svg+xml", false), "png");
});
