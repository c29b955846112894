/** The pages `islands_bench.ts` measures, with the islands each renders. */
import type { VNode } from "preact";
import { Island } from "../lib/http/island.tsx";
import Home from "../routes/index.tsx";
import CountButton from "../tests/fixtures/islands/CountButton.tsx";
import CountLabel from "../tests/fixtures/islands/CountLabel.tsx";

/** One measured page. */
export interface BenchPage {
  label: string;
  islands: string[];
  page: VNode;
}

/** The home page, and a page with the two fixture islands that share a signal. */
export const ISLAND_PAGES: BenchPage[] = [
  {
    label: "landing page (ServerStatus)",
    islands: ["ServerStatus"],
    page: <Home kind="landing" version="bench" setupRequired={false} />,
  },
  {
    label: "page with two islands sharing a signal (CountButton + CountLabel)",
    islands: ["CountButton", "CountLabel"],
    page: (
      <>
        <Island name="CountButton" component={CountButton} props={{ step: 1 }} />
        <Island name="CountLabel" component={CountLabel} props={{ label: "Count" }} />
      </>
    ),
  },
];
