/*
 * Building DOM. Strings always become text nodes; the only HTML ever parsed into a live
 * element is the server's sanitised `html` field, through `trustedHtml`.
 */

// A page of comments is thousands of calls: no arrays made per element (flat, entries).
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** `<tag>` with attributes (`class`, `text`, `on<event>` handlers) and children. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const key in props) {
    if (!Object.hasOwn(props, key)) continue;
    const value = props[key];
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, value === true ? "" : String(value));
  }
  return append(el, children);
}

/** Replaces `el`'s children the way `h` builds them. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Server-sanitised HTML only (a comment's `html` field); its links open apart from the page. */
export function trustedHtml(tag, className, html) {
  const el = h(tag, { class: className });
  el.innerHTML = typeof html === "string" ? html : "";
  for (const link of el.querySelectorAll("a[href]")) {
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener noreferrer nofollow ugc");
  }
  return el;
}

/** Plain text of server HTML, parsed in an inert document (nothing runs or loads). */
export function htmlToText(html) {
  const doc = new DOMParser().parseFromString(String(html || ""), "text/html");
  for (const br of doc.querySelectorAll("br")) br.replaceWith("\n");
  const blocks = Array.from(doc.body.children);
  if (!blocks.length) return doc.body.textContent.trim();
  return blocks.map((b) => b.textContent.trim()).filter(Boolean).join("\n\n");
}
