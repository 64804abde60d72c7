/** Banners at the top of the page: exits for a reason, and notices (open development mode). */
import { el } from "./dom";

/** `exit`: the user left a room not by choice (red); `info`: a notice (yellow). */
export type BannerKind = "exit" | "info";

/** Shows `text` in a dismissable banner inside `container` (newest first); returns the banner. */
export function showBanner(container: HTMLElement, text: string, kind: BannerKind): HTMLElement {
  const banner = el("div", { class: `banner ${kind}`, role: kind === "exit" ? "alert" : "status", "data-kind": kind });
  banner.append(
    el("p", { text }),
    el("button", { type: "button", "aria-label": "Dismiss", title: "Dismiss", text: "×", onclick: () => banner.remove() }),
  );
  container.prepend(banner);
  return banner;
}
