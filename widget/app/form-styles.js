/*
 * The look of the forms (composer, replies, edits, reports): a sheet of its own, added
 * to the widget's shadow root by the modules that show a form, the first time they do.
 */

export const FORM_CSS = `
  .cw-composer:not(:empty) { padding: 0.75rem 0; }
  .cw-form { display: grid; gap: 0.35rem; }
  .cw-label { font-weight: 600; font-size: 0.9rem; }
  .cw-textarea { width: 100%; min-height: 5.5rem; resize: vertical; padding: 0.6rem 0.7rem; border: 1px solid var(--rule); border-radius: 4px; background: var(--field); font: 1rem/1.5 var(--serif); }
  .cw-textarea:hover { border-color: var(--muted); }
  .cw-textarea[aria-invalid="true"] { border-color: var(--error); }
  .cw-form-meta { display: flex; justify-content: space-between; gap: 1rem; font-size: 0.8rem; color: var(--muted); }
  .cw-form-meta .cw-muted { margin: 0; font-size: inherit; }
  .cw-counter { font-variant-numeric: tabular-nums; white-space: nowrap; }
  .cw-counter-near { color: var(--error); font-weight: 600; }
  .cw-form-errors { color: var(--error); font-size: 0.9rem; margin: 0; }
  .cw-form-errors:empty { display: none; }
  .cw-form-errors p, .cw-form-errors ul { margin: 0; }
  .cw-form-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
  .cw-form fieldset { border: 1px solid var(--rule); border-radius: 4px; margin: 0; padding: 0.5rem 0.75rem 0.75rem; display: grid; gap: 0.5rem; }
  .cw-form legend { font-weight: 600; font-size: 0.9rem; padding: 0 0.25rem; }
  .cw-field { display: grid; gap: 0.2rem; font-size: 0.875rem; }
  .cw-input { background: var(--field); border: 1px solid var(--rule); border-radius: 4px; padding: 0.3rem 0.5rem; font-size: 0.9rem; }
  .cw-input:hover { border-color: var(--muted); }
`;
