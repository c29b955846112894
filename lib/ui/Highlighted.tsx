/**
 * A search highlight (the API's `snippet`: escaped text with `<mark>` around
 * the matched words) rendered without ever handing HTML to the browser: the
 * snippet is cut at its `<mark>` tags, each piece's entities decoded back to
 * text, and Preact escapes that text again as it renders it. Anything else
 * in a snippet (there should be nothing) shows as the literal text it is.
 */

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

function decode(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]);
}

/** The pieces of a snippet: text, and whether it was marked. */
export function snippetParts(snippet: string): { text: string; marked: boolean }[] {
  const out: { text: string; marked: boolean }[] = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let at = 0;
  for (const m of snippet.matchAll(re)) {
    if (m.index! > at) out.push({ text: decode(snippet.slice(at, m.index)), marked: false });
    out.push({ text: decode(m[1]), marked: true });
    at = m.index! + m[0].length;
  }
  if (at < snippet.length) out.push({ text: decode(snippet.slice(at)), marked: false });
  return out;
}

/** The snippet as text with `<mark>` elements. */
export function Highlighted({ snippet }: { snippet: string }) {
  return (
    <>
      {snippetParts(snippet).map((p, i) => p.marked ? <mark key={i}>{p.text}</mark> : p.text)}
    </>
  );
}
