/** A few DOM helpers, so the demo needs no framework. */

/** Attributes and properties {@link el} sets: `class`, `text`, `data-*`, `on<event>` handlers, anything else as an attribute. */
export type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Children {@link el} appends; strings become text nodes, null/undefined/false are skipped. */
export type Child = Node | string | null | undefined | false;

/** Creates `<tag>` with `props` and `children`. Text is always set as text, never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") node.addEventListener(key.replace(/^on/, ""), value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = String(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** The element with id `id`, checked to be an instance of `type`; throws naming the id when it is missing. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return node;
}

/** Replaces the children of `parent` with `children`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** "14:05" in the viewer's time zone, for a ms timestamp. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** "Today", "Yesterday" or "Mon 3 Nov 2026" for the day of `ms`, as seen on `now`'s day. */
export function dayLabel(ms: number, now: number = Date.now()): string {
  const day = (t: number) => new Date(t).toDateString();
  if (day(ms) === day(now)) return "Today";
  if (day(ms) === day(now - 86_400_000)) return "Yesterday";
  return new Date(ms).toLocaleDateString([], { weekday: "short", day: "numeric", month: "short", year: "numeric" });
}

/** "3 min ago", "just now", "14:05" (older than an hour): how long ago `ms` was. */
export function ago(ms: number, now: number = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${String(Math.max(1, Math.round(s / 60)))} min ago`;
  return `${dayLabel(ms, now) === "Today" ? "" : dayLabel(ms, now) + " "}${clock(ms)}`;
}
