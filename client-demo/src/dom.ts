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

/** "14:05:09" in the viewer's time zone, for a ms timestamp. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}
