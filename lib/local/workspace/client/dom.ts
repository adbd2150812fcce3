/**
 * The one way the workspace's views make markup: `h(tag, props, ...children)`, with two backends. In the browser
 * it builds elements, every string becoming a text node (`document.createTextNode`), never parsed as HTML; on
 * the server (`htmlDom`) it writes escaped HTML, so the same views can be checked without a browser. A link may
 * only point inside the page (`#...`): data never becomes a URL scheme such as `javascript:`.
 */

/** What a listener receives: the parts of a DOM event the views use (the root tsconfig has no DOM types). */
export type DomEvent = { key?: string; target: unknown; preventDefault(): void };

export type Child<N> = N | string | number | null | undefined | false | readonly Child<N>[];

export type Props = {
  class?: string | undefined;
  title?: string | undefined;
  href?: string | undefined;
  /** Inline style, set through the CSSOM in the browser (the page's CSP allows no style attributes in markup). */
  style?: Record<string, string> | undefined;
  /** Event listeners (the browser backend only). */
  on?: Partial<Record<'click' | 'keydown' | 'change' | 'blur' | 'submit', (e: DomEvent) => void>> | undefined;
  /** Other attributes: SVG geometry, `data-*`, `colspan`, `value`, `selected`... */
  attrs?: Record<string, string | number | boolean | undefined> | undefined;
};

export interface Dom<N> {
  h(tag: string, props: Props | null, ...children: Child<N>[]): N;
}

/** Tags that live in the SVG namespace. */
export const SVG_TAGS = new Set(['svg', 'g', 'rect', 'line', 'circle', 'text', 'title', 'path', 'polyline']);

/** Attribute names the views may set: letters, digits and dashes (no `on...` handler attribute). */
export function safeAttributeName(name: string): boolean {
  return /^[a-z][a-z0-9-]*$/i.test(name) && !/^on/i.test(name);
}

/** An in-page link, or null: anything but `#...` is dropped. */
export function safeHref(href: string | undefined): string | null {
  return href?.startsWith('#') ? href : null;
}

/** CSS property names the views may set (kebab-case words). */
const CSS_NAME = /^[a-z-]+$/;

/** Flattens children, dropping the empty ones. */
export function flatten<N>(children: readonly Child<N>[], out: (N | string)[] = []): (N | string)[] {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) flatten(c as readonly Child<N>[], out);
    else out.push(typeof c === 'number' ? String(c) : (c as N | string));
  }
  return out;
}

/** The parts of a DOM element and document the browser backend uses. */
export type ElementLike = {
  setAttribute(name: string, value: string): void;
  append(...nodes: (ElementLike | TextLike)[]): void;
  addEventListener(type: string, listener: (e: DomEvent) => void): void;
  style?: { setProperty(name: string, value: string): void };
};
export type TextLike = { readonly data: string };
export type DocumentLike = {
  createElement(tag: string): ElementLike;
  createElementNS(ns: string, tag: string): ElementLike;
  createTextNode(text: string): TextLike;
};

/** The browser backend: real elements, text nodes for strings, listeners attached. */
export function browserDom(doc: DocumentLike): Dom<ElementLike> {
  return {
    h(tag, props, ...children) {
      const svg = SVG_TAGS.has(tag);
      const el = svg ? doc.createElementNS('http://www.w3.org/2000/svg', tag) : doc.createElement(tag);
      if (props?.class) el.setAttribute('class', props.class);
      if (props?.title !== undefined) el.setAttribute('title', props.title);
      const href = safeHref(props?.href);
      if (href !== null) el.setAttribute('href', href);
      for (const [k, v] of Object.entries(props?.attrs ?? {})) {
        if (v === undefined || v === false || !safeAttributeName(k)) continue;
        el.setAttribute(k, v === true ? '' : String(v));
      }
      for (const [k, v] of Object.entries(props?.style ?? {}))
        if (CSS_NAME.test(k)) el.style?.setProperty(k, v);
      for (const [k, f] of Object.entries(props?.on ?? {})) if (f) el.addEventListener(k, f);
      for (const c of flatten(children)) el.append(typeof c === 'string' ? doc.createTextNode(c) : c);
      return el;
    },
  };
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** Marks a string as markup already escaped (only `htmlDom` makes these). */
export type Html = { readonly html: string };

const VOID = new Set(['br', 'hr', 'input', 'img', 'meta', 'link']);

/** The server backend: escaped HTML, listeners ignored; what the browser would show, as markup. */
export const htmlDom: Dom<Html> = {
  h(tag, props, ...children) {
    const attrs: string[] = [];
    const put = (k: string, v: string) => attrs.push(` ${k}="${escapeHtml(v)}"`);
    if (props?.class) put('class', props.class);
    if (props?.title !== undefined) put('title', props.title);
    const href = safeHref(props?.href);
    if (href !== null) put('href', href);
    for (const [k, v] of Object.entries(props?.attrs ?? {})) {
      if (v === undefined || v === false || !safeAttributeName(k)) continue;
      put(k, v === true ? '' : String(v));
    }
    const style = Object.entries(props?.style ?? {})
      .filter(([k]) => CSS_NAME.test(k))
      .map(([k, v]) => `${k}: ${v.replace(/[;{}<>]/g, '')}`)
      .join('; ');
    if (style) put('style', style);
    const inner = flatten(children)
      .map((c) => (typeof c === 'string' ? escapeHtml(c) : c.html))
      .join('');
    return {
      html: VOID.has(tag) ? `<${tag}${attrs.join('')}>` : `<${tag}${attrs.join('')}>${inner}</${tag}>`,
    };
  },
};
