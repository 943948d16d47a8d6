/*
 * A comment just arrived (live, or the reader's own post) flashes once: a sheet of its
 * own, added by the modules that mark one (live.js, composer.js), the first time.
 */

export const FRESH_CSS = `
  .cw-fresh > .cw-main { animation: cw-fresh 2s ease-out; }
  @keyframes cw-fresh { from { background: var(--note-bg); } to { background: transparent; } }
  @media (prefers-reduced-motion: reduce) { .cw-fresh > .cw-main { animation: none; } }
`;
