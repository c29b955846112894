/**
 * The search of the fake Typesense (tests/fakes/typesense.ts): tokens
 * folded like Typesense (case and accents), every query token must match a
 * word of some `query_by` field exactly, by prefix (the last token, where
 * `prefix` allows), with up to `num_typos` typos (Damerau-Levenshtein; one
 * from 4 characters, two from 7, as Typesense's defaults), or inside a word
 * (`infix`); text match favours exact words, heavier fields and a field equal
 * to the whole query. `filter_by` (`:=`, `:!=`, `:[...]`, `&&`, backtick
 * quotes), `sort_by` and `facet_by` as Typesense reads them.
 */

/** A stored document. */
export type Doc = Record<string, unknown>;

function fold(s: string): string {
  return s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Words of a text, folded. */
export function tokens(s: string): string[] {
  return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const d: number[][] = Array.from(
    { length: a.length + 1 },
    (_, i) => [i, ...Array(b.length).fill(0)],
  );
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

function typosAllowed(token: string, numTypos: number): number {
  return Math.min(numTypos, token.length >= 7 ? 2 : token.length >= 4 ? 1 : 0);
}

function fieldText(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  return v === undefined || v === null ? [] : [String(v)];
}

// Quality of the best match of `token` among `words` (0: none).
function matchToken(
  token: string,
  words: string[],
  o: { prefix: boolean; infix: boolean; typos: number },
): number {
  let best = 0;
  for (const w of words) {
    if (w === token) return 4;
    if (o.prefix && w.startsWith(token)) best = Math.max(best, 3);
    else if (o.infix && token.length >= 3 && w.includes(token)) best = Math.max(best, 1.5);
    else if (o.typos > 0) {
      const d = Math.min(
        distance(token, w, o.typos),
        o.prefix && w.length > token.length
          ? distance(token, w.slice(0, token.length), o.typos)
          : 99,
      );
      if (d <= o.typos) best = Math.max(best, d === 1 ? 2 : 1);
    }
  }
  return best;
}

/** Search parameters, as Typesense takes them. */
export type Params = Record<string, string>;

/** The text match score of a document, or 0 when a query token matches nowhere. */
export function textMatch(doc: Doc, q: string, p: Params): number {
  const qt = tokens(q);
  if (!qt.length) return 0;
  const fields = (p.query_by ?? "").split(",").map((f) => f.trim()).filter(Boolean);
  const weights = (p.query_by_weights ?? "").split(",").map(Number);
  const prefixes = (p.prefix ?? "true").split(",").map((x) => x.trim() !== "false");
  const infixes = (p.infix ?? "off").split(",").map((x) => x.trim() !== "off");
  const numTypos = Number(p.num_typos ?? 2);
  let score = 0;
  const perField = new Map<string, number>();
  for (const [i, token] of qt.entries()) {
    let best = 0;
    for (const [fi, f] of fields.entries()) {
      const w = weights[fi] || 1;
      const values = fieldText(doc[f]);
      const words = values.flatMap(tokens);
      const last = i === qt.length - 1;
      const m = matchToken(token, words, {
        prefix: last && (prefixes[fi] ?? prefixes[0] ?? true),
        infix: infixes[fi] ?? false,
        typos: typosAllowed(token, numTypos),
      });
      if (m > 0) {
        best = Math.max(best, m * w);
        perField.set(f, (perField.get(f) ?? 0) + 1);
        // The whole field is the query: an exact title.
        if (last && values.some((v) => tokens(v).join(" ") === qt.join(" "))) best += 100 * w;
      }
    }
    if (best === 0) return 0;
    score += best;
  }
  // All tokens in one field beats tokens scattered over several.
  if ([...perField.values()].some((n) => n === qt.length)) score *= 1.5;
  return Math.round(score * 1000);
}

function splitOutside(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "`") quoted = !quoted;
    if (!quoted && s.startsWith(sep, i)) {
      out.push(cur);
      cur = "";
      i += sep.length - 1;
    } else cur += s[i];
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  v = v.trim();
  return v.startsWith("`") && v.endsWith("`") ? v.slice(1, -1) : v;
}

/** A `filter_by` expression as a predicate; throws on syntax it does not know. */
export function parseFilter(expr: string): (d: Doc) => boolean {
  if (!expr.trim()) return () => true;
  const clauses = splitOutside(expr, "&&").map((c) => {
    const m = /^\s*([a-z_][a-z0-9_]*)\s*:\s*(!=|=)?\s*(.+?)\s*$/is.exec(c);
    if (!m) throw new Error(`Could not parse the filter query: ${c}`);
    const [, field, op, raw] = m;
    const values = raw.startsWith("[") && raw.endsWith("]")
      ? splitOutside(raw.slice(1, -1), ",").map(unquote)
      : [unquote(raw)];
    const negate = op === "!=";
    return (d: Doc) => {
      const v = field === "id" ? [String(d.id)] : fieldText(d[field]);
      const hit = v.some((x) => values.includes(x));
      return negate ? !hit : hit;
    };
  });
  return (d) => clauses.every((c) => c(d));
}

/** A `sort_by` expression as a comparator (missing values last). */
export function parseSort(expr: string, score: Map<Doc, number>): (a: Doc, b: Doc) => number {
  const keys = expr.split(",").map((k) => k.trim()).filter(Boolean).map((k) => {
    const [field, dir = "desc"] = k.split(":");
    return { field, desc: dir.toLowerCase() === "desc" };
  });
  return (a, b) => {
    for (const { field, desc } of keys) {
      const av = field === "_text_match" ? score.get(a) : a[field];
      const bv = field === "_text_match" ? score.get(b) : b[field];
      if (av === bv) continue;
      if (av === undefined || av === null) return 1;
      if (bv === undefined || bv === null) return -1;
      const c = av < bv ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  };
}

/** The facet counts of `docs` for `facet_by`. */
export function facetCounts(docs: Doc[], facetBy: string, max: number) {
  return facetBy.split(",").map((f) => f.trim()).filter(Boolean).map((field) => {
    const counts = new Map<string, number>();
    for (const d of docs) {
      for (const v of fieldText(d[field])) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max);
    return {
      field_name: field,
      sampled: false,
      counts: sorted.map(([value, count]) => ({ count, highlighted: value, value })),
      stats: { total_values: counts.size },
    };
  });
}

/** `<mark>`ed snippet of a field for the query tokens (Typesense's highlight shape). */
export function highlightsOf(doc: Doc, q: string, fields: string[]) {
  const qt = tokens(q);
  const out: { field: string; snippet: string; matched_tokens: string[] }[] = [];
  for (const f of fields) {
    const v = doc[f];
    if (typeof v !== "string") continue;
    const matched: string[] = [];
    const snippet = v.split(/([\p{L}\p{N}]+)/u).map((part) => {
      const t = tokens(part)[0];
      if (t && qt.some((x) => t.startsWith(x))) {
        matched.push(part);
        return `<mark>${part}</mark>`;
      }
      return part;
    }).join("");
    if (matched.length) out.push({ field: f, snippet, matched_tokens: matched });
  }
  return out;
}
