/*
 * The widget's look, inside its shadow root: a constructable stylesheet (which a host
 * page's strict CSP style-src allows), or a <style> in browsers without them. Publishers
 * tune it from outside with --comments-* custom properties. Nothing else of the page's
 * reaches in: `.cw` starts from `all: initial` (no inherited color, font or spacing), and
 * every sheet's rem is written in pixels as it is adopted, since rem is the page's root
 * font size (62.5 % on some sites, 40px on a hostile one), not the widget's 16px. The
 * element itself stays in the page's flow whatever the page says (`div { position:
 * absolute !important }` would squeeze it to nothing): a shadow root's !important wins.
 *
 * This sheet is the first screen's (the list, a comment, the header, the login offer);
 * the modules asked for later add their own (reader.js, form-styles.js, fresh-styles.js, login.js,
 * staff.js, preview.js, permalink.js, account-panel.js) with `w.style`, once.
 */

const DARK = `
  --bg: var(--comments-bg-dark, transparent);
  --fg: var(--comments-fg-dark, #e8e6e3);
  --muted: #a8a29e;
  --rule: #3f3b38;
  --rule-strong: #e8e6e3;
  --surface: #201e1d;
  --field: #171615;
  --accent: var(--comments-accent-dark, #f28b82);
  --accent-fg: #1a1a1a;
  --link: var(--comments-link-dark, #9cc3ff);
  --focus: #9cc3ff;
  --note-bg: #3a3016;
  --note-fg: #f5dfa0;
  --error: #ff9a8f;
  --up: #7fd19b;
  --down: #ff9a8f;`;

export const CSS = `
  :host { display: block; position: static !important; float: none !important; }
  :host([hidden]) { display: none !important; }
  .cw {
    all: initial;
    display: block;
    visibility: inherit;
    --bg: var(--comments-bg, transparent);
    --fg: var(--comments-fg, #1b1b1b);
    --muted: #5f5a55;
    --rule: #dcd8d2;
    --rule-strong: #1b1b1b;
    --surface: #f6f4f0;
    --field: #ffffff;
    --accent: var(--comments-accent, #a4161a);
    --accent-fg: #ffffff;
    --link: var(--comments-link, #0b4f9c);
    --focus: #1a5fb4;
    --note-bg: #fff4d6;
    --note-fg: #5b4300;
    --error: #b3261e;
    --up: #1f7a3a;
    --down: #b3261e;
    --serif: var(--comments-serif, Georgia, "Times New Roman", Times, serif);
    --sans: var(--comments-sans, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
    container-type: inline-size;
    background: var(--bg);
    color: var(--fg);
    font: 16px/1.5 var(--sans);
    -webkit-text-size-adjust: 100%;
    border-top: 3px solid var(--rule-strong);
    padding-top: 0.75rem;
    color-scheme: light;
  }
  .cw[data-theme="dark"] { ${DARK} color-scheme: dark; }
  @media (prefers-color-scheme: dark) {
    .cw[data-theme="auto"] { ${DARK} color-scheme: dark; }
  }
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }
  button, input, select, textarea { font: inherit; color: inherit; }
  :focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; border-radius: 2px; }

  .cw-head { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 0.5rem 1rem; margin-bottom: 0.75rem; }
  .cw-heading { margin: 0; font: 700 1.5rem/1.2 var(--serif); letter-spacing: -0.01em; }
  .cw-count { display: inline-block; min-width: 1.6em; margin-left: 0.25rem; padding: 0 0.45em; border-radius: 999px; background: var(--accent); color: var(--accent-fg); font: 700 0.8rem/1.6 var(--sans); text-align: center; vertical-align: 0.25em; }
  .cw-sort { display: flex; align-items: center; gap: 0.5rem; font-size: 0.875rem; color: var(--muted); }
  .cw-select { background: var(--field); border: 1px solid var(--rule); border-radius: 4px; padding: 0.3rem 0.5rem; font-size: 0.9rem; }
  .cw-select:hover { border-color: var(--muted); }

  .cw-account { border-bottom: 1px solid var(--rule); padding: 0.5rem 0 0.75rem; }
  .cw-login-text { margin: 0 0 0.5rem; font-family: var(--serif); font-size: 1.05rem; }
  .cw-providers { display: flex; flex-wrap: wrap; gap: 0.5rem; }
  .cw-muted { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
  .cw-notice { margin: 0.75rem 0; padding: 0.6rem 0.8rem; background: var(--surface); border-left: 3px solid var(--muted); font-size: 0.95rem; }

  .cw-btn { display: inline-flex; align-items: center; justify-content: center; gap: 0.35rem; min-height: 2.25rem; padding: 0.35rem 0.9rem; border: 1px solid var(--rule-strong); border-radius: 4px; background: transparent; font-size: 0.9rem; font-weight: 600; cursor: pointer; }
  .cw-btn:hover { background: var(--surface); }
  .cw-btn:disabled { opacity: 0.6; cursor: progress; }
  .cw-btn-primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
  .cw-btn-primary:hover { background: var(--accent); filter: brightness(1.1); }
  .cw-btn-quiet { border-color: var(--rule); font-weight: 500; }
  .cw-btn-login { border-color: var(--rule-strong); }
  .cw-btn-wide { width: 100%; margin: 1rem 0; }


  .cw-status { margin: 0.5rem 0; font-size: 0.9rem; color: var(--muted); }
  .cw-status:empty { display: none; }
  .cw-status-error { color: var(--error); }
  .cw-empty { color: var(--muted); font-family: var(--serif); font-style: italic; margin: 1rem 0; }

  .cw-list, .cw-replies { list-style: none; margin: 0; padding: 0; }
  .cw-list > .cw-comment { border-top: 1px solid var(--rule); }
  .cw-list > .cw-comment:first-child { border-top: 0; }
  .cw-comment { padding: 0.9rem 0 0.1rem; }
  .cw-replies { margin-left: 1.1rem; padding-left: 1rem; border-left: 2px solid var(--rule); }
  .cw-replies:empty { display: none; }
  .cw-replies .cw-comment { padding-top: 0.7rem; }
  @container (max-width: 480px) {
    .cw-replies { margin-left: 0.25rem; padding-left: 0.7rem; }
  }

  .cw-meta { display: flex; align-items: center; gap: 0.6rem; margin-bottom: 0.35rem; }
  .cw-avatar { flex: none; width: 36px; height: 36px; border-radius: 50%; object-fit: cover; background: var(--surface); }
  .cw-initials { display: inline-flex; align-items: center; justify-content: center; font: 700 0.85rem/1 var(--sans); color: #fff; }
  .cw-hue-0 { background: #8c2f39; } .cw-hue-1 { background: #2f5d8c; } .cw-hue-2 { background: #3d7a4a; } .cw-hue-3 { background: #7a5a1f; }
  .cw-hue-4 { background: #5b3d8c; } .cw-hue-5 { background: #1f6f74; } .cw-hue-6 { background: #8c4a2f; } .cw-hue-7 { background: #4a4f57; }
  .cw-byline { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.1rem 0.5rem; min-width: 0; }
  .cw-author { font-weight: 700; font-size: 0.95rem; overflow-wrap: anywhere; }
  .cw-badge { display: inline-block; padding: 0 0.4em; border: 1px solid var(--accent); border-radius: 3px; color: var(--accent); font-size: 0.7rem; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; line-height: 1.5; }
  .cw-when { color: var(--muted); font-size: 0.8rem; }
  .cw-permalink { color: inherit; text-decoration: none; }
  .cw-permalink:hover { text-decoration: underline; }
  .cw-comment[data-status="deleted"] > .cw-main .cw-author { font-weight: 500; color: var(--muted); font-style: italic; }

  .comment-body { font: 1.02rem/1.6 var(--serif); overflow-wrap: anywhere; }
  .comment-body > :first-child { margin-top: 0; }
  .comment-body > :last-child { margin-bottom: 0; }
  .comment-body p, .comment-body ul, .comment-body ol, .comment-body blockquote, .comment-body pre { margin: 0 0 0.7em; }
  .comment-body a { color: var(--link); text-underline-offset: 2px; }
  .comment-body blockquote { margin-left: 0; padding-left: 0.8rem; border-left: 3px solid var(--rule); color: var(--muted); font-style: italic; }
  .comment-body code { font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--surface); padding: 0.1em 0.3em; border-radius: 3px; }
  .comment-body pre { overflow-x: auto; background: var(--surface); padding: 0.6rem; border-radius: 4px; }
  .comment-body pre code { padding: 0; background: none; }
  .comment-body img { max-width: 100%; height: auto; }
  .cw-tombstone { margin: 0.2rem 0 0.4rem; color: var(--muted); font-style: italic; font-family: var(--serif); }

  .cw-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.15rem 0.35rem; margin: 0.35rem 0 0.3rem -0.35rem; }
  .cw-action { min-height: 2rem; padding: 0.2rem 0.45rem; border: 0; border-radius: 4px; background: none; color: var(--muted); font-size: 0.82rem; font-weight: 600; cursor: pointer; }
  .cw-action:hover, .cw-action[aria-expanded="true"] { color: var(--fg); background: var(--surface); }
  .cw-votes { display: inline-flex; align-items: center; gap: 0.1rem; margin-right: 0.35rem; }
  .cw-vote { display: inline-flex; align-items: center; justify-content: center; width: 2rem; height: 2rem; border: 0; border-radius: 4px; background: none; color: var(--muted); font-size: 0.75rem; cursor: pointer; }
  .cw-vote:hover { background: var(--surface); color: var(--fg); }
  .cw-vote[data-action="vote-up"][aria-pressed="true"] { color: var(--up); background: var(--surface); }
  .cw-vote[data-action="vote-down"][aria-pressed="true"] { color: var(--down); background: var(--surface); }
  .cw-score { min-width: 1.5rem; text-align: center; font-size: 0.85rem; font-weight: 700; font-variant-numeric: tabular-nums; }
  .cw-score-label { color: var(--muted); font-size: 0.8rem; margin-left: 0.35rem; }
  .cw-slot:not(:empty) { margin: 0.3rem 0 0.6rem; }
  .cw-inline-note { margin: 0; font-size: 0.875rem; color: var(--muted); }
  .cw-inline-error { color: var(--error); }
  .cw-more-replies { margin: 0.3rem 0 0.5rem 1.1rem; min-height: 2rem; font-size: 0.82rem; }

  @media (forced-colors: active) {
    .cw-count, .cw-btn-primary { border: 1px solid CanvasText; }
    .cw-vote[aria-pressed="true"] { outline: 1px solid CanvasText; }
  }
`;

const REM = /(\d*\.?\d+)rem\b/g;

/** Adds the stylesheet `css` to the shadow root `root`, its rem in pixels (see above). */
export function adopt(root, css) {
  css = css.replace(REM, (_, n) => Math.round(n * 16000) / 1000 + "px");
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
  }
}
