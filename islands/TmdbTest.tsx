/** The "Test" button of TMDb on `/admin/settings`: one search through the metadata API. */
import { useState } from "preact/hooks";
import { type Lang, t } from "../lib/ui/i18n/translate.ts";
import { api } from "./_api.ts";

/** Props of {@linkcode TmdbTest}. */
export interface TmdbTestProps {
  lang: Lang;
}

/** The TMDb test. */
export default function TmdbTest({ lang }: TmdbTestProps) {
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function test() {
    setBusy(true);
    const r = await api("GET", "/api/v1/metadata/search/movie?q=Metropolis");
    setBusy(false);
    setResult(
      r.ok
        ? t(lang, "welcome.testOk")
        : t(lang, "welcome.testFailed", { reason: r.body.detail ?? String(r.status) }),
    );
  }
  return (
    <div>
      <div class="actions">
        <button type="button" onClick={test} disabled={busy}>
          {t(lang, "admin.settings.testTmdb")}
        </button>
      </div>
      <p role="status" class="muted">{result}</p>
    </div>
  );
}
