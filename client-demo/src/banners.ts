/** The one notice line at the top of the page: a new notice replaces the last (they never pile up). */
import { el, replaceChildren } from "./dom";

/** `exit`: the user left a room not by choice (red); `info`: a notice (yellow). */
export type BannerKind = "exit" | "info";

/** Shows `text` in the dismissable banner of `container`, replacing the one shown; returns it. */
export function showBanner(container: HTMLElement, text: string, kind: BannerKind): HTMLElement {
  const banner = el("div", { class: `banner ${kind}`, role: kind === "exit" ? "alert" : "status", "data-kind": kind });
  banner.append(
    el("p", { text }),
    el("button", { type: "button", class: "close", "aria-label": "Dismiss", title: "Dismiss", text: "×", onclick: () => banner.remove() }),
  );
  replaceChildren(container, banner);
  return banner;
}
