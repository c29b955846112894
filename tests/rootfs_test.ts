/**
 * The container image's root file system (built by deploy/build_rootfs.sh,
 * the same tree as the Containerfile's final stage) starts Revenge as its
 * unprivileged user and answers /readyz 200: Revenge runs as PID 1 of a new
 * PID and mount namespace (`unshare`), chrooted into the tree, with a fresh
 * tmpfs as its data volume, its embedded PostgreSQL included.
 *
 * The tree takes minutes to build (debootstrap), so `.ci/run` builds it once
 * into REVENGE_ROOTFS (default /var/cache/revenge-rootfs) before the suite,
 * and this test fails, saying how to build it, when it is missing.
 */
import { assert, assertEquals } from "./assert.ts";
import { pipeToTestLog } from "./test_log.ts";
import { waitFor } from "./wait_for.ts";

const ROOTFS = Deno.env.get("REVENGE_ROOTFS") ?? "/var/cache/revenge-rootfs";

// Runs inside the new namespaces: fresh tmpfs for /dev/shm, /tmp and the data volume.
const INSIDE = `
set -e
R="$1"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mount -t tmpfs -o uid=10001,gid=10001,mode=0750 tmpfs "$R/var/lib/revenge"
exec chroot "$R" setpriv --reuid=10001 --regid=10001 --init-groups \\
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/var/lib/revenge DENO_DIR=/tmp/deno \\
  DENO_NO_UPDATE_CHECK=1 REVENGE_DATA_DIR=/var/lib/revenge REVENGE_HOST=127.0.0.1 \\
  REVENGE_PORT=0 REVENGE_LOG_FORMAT=json \\
  deno run --allow-all --cached-only /opt/revenge/main.ts
`;

/** The processes below `pid` (children first), from /proc. */
function descendants(pid: number): number[] {
  let kids: number[] = [];
  try {
    kids = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch { /* gone */ }
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

/**
 * SIGTERM to Revenge itself, PID 1 of the namespace (when it exits, the kernel
 * ends the rest): unshare forwards no signal, and the parent-death signal of
 * --kill-child does not survive setpriv's change of user.
 */
function stopInside(unsharePid: number): void {
  for (const pid of descendants(unsharePid)) {
    let cmd = "";
    try {
      cmd = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    } catch { /* gone */ }
    if (cmd.includes("/opt/revenge/main.ts")) {
      try {
        Deno.kill(pid, "SIGTERM");
      } catch { /* gone */ }
    }
  }
}

Deno.test("rootfs: the image's root file system starts Revenge, which answers /readyz", async () => {
  assert(Deno.uid() === 0, "this test runs as root (unshare, chroot), as .ci/run does");
  const built = await Deno.stat(`${ROOTFS}/.base-complete`).then(() => true, () => false);
  assert(
    built && await Deno.stat(`${ROOTFS}/opt/revenge/main.ts`).then(() => true, () => false),
    `no root file system in ${ROOTFS}: build it with \`bash deploy/build_rootfs.sh ${ROOTFS}\` ` +
      "(.ci/run does, before the suite) or point REVENGE_ROOTFS at one",
  );
  const child = new Deno.Command("unshare", {
    args: [
      "--mount",
      "--pid",
      "--fork",
      "--kill-child=SIGKILL",
      `--mount-proc=${ROOTFS}/proc`,
      "bash",
      "-c",
      INSIDE,
      "inside",
      ROOTFS,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let url: string | undefined;
  const lines: string[] = [];
  const drained = Promise.all([
    pipeToTestLog(child.stderr, "[rootfs]", (line) => {
      lines.push(line);
      try {
        const j = JSON.parse(line);
        if (j.msg === "listening") url = j.url;
      } catch { /* not JSON */ }
    }),
    pipeToTestLog(child.stdout, "[rootfs out]", () => {}),
  ]);
  let exited = false;
  child.status.then(() => (exited = true));
  try {
    await waitFor(() => url !== undefined || exited, {
      message: "Revenge in the root file system to listen",
      timeoutMs: 60_000,
    });
    assert(url, "Revenge exited before listening:\n" + lines.slice(-20).join("\n"));
    let status = 0;
    await waitFor(async () => {
      status = await fetch(`${url}/readyz`).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      }, () => 0);
      return status === 200 || exited;
    }, { message: () => `/readyz to answer 200 (last ${status})`, timeoutMs: 90_000 });
    assertEquals(status, 200, lines.slice(-20).join("\n"));
    const health = await fetch(`${url}/healthz`);
    await health.body?.cancel();
    assertEquals(health.status, 200);
    assert(lines.some((l) => l.includes('"msg":"PostgreSQL ready"')), "the embedded database ran");
  } finally {
    if (!exited) stopInside(child.pid);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopped = await Promise.race([
      child.status.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 30_000))),
    ]);
    clearTimeout(timer);
    if (!stopped) {
      for (const pid of descendants(child.pid)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
    }
    await child.status;
    await drained;
  }
});
