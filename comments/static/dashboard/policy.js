/*
 * The site policy's fields as the settings page shows them: label, help, kind, range.
 *
 * Pure data (no imports), so a test can load it and hold it in step with the server's
 * SitePolicy: the same fields, the same ranges, the same choices, the same nullability.
 * A field the server sends that is missing here is still shown, by its value's type.
 */

export const POLICY_GROUPS = Object.freeze([
  ["review", "Review"],
  ["words", "Word lists"],
  ["links", "Links"],
  ["spam", "Repetition and shouting"],
  ["limits", "Rate limits"],
  ["surge", "Surges"],
  ["threads", "Threads and editing"],
  ["classifier", "External classifier"],
  ["login", "Login"],
  ["other", "Other settings"],
]);

const LIST_ACTIONS = [
  ["hold", "Hold for review"],
  ["reject", "Reject"],
  ["mask", "Publish with the word starred out"],
];
const TIER_ACTIONS = [["publish", "Publish"], ["mask", "Publish with the word starred out"], ["hold", "Hold for review"], ["reject", "Reject"]];

/*
 * kind: "choice" (choices: [value, words]), "int", "number" (min, max, step), "bool",
 * "lines" (one entry a line; maxItems, maxLength per entry), "text" (maxLength),
 * "secret" (write-only: never shown, empty keeps it). nullable: empty means unset.
 * unit: "seconds" adds the range in minutes, hours or days for a reader.
 */
export const POLICY_FIELDS = Object.freeze({
  premoderation: {
    group: "review", label: "Pre-moderation", kind: "choice",
    choices: [["off", "Off: publish at once"], ["new", "New authors: hold until they are established"], ["all", "All: hold every comment"]],
    help: "Which comments wait for a moderator before anyone else sees them.",
  },
  new_author_comments: {
    group: "review", label: "An author is new until this many comments are approved", kind: "int", min: 0, max: 1000,
    help: "Used by pre-moderation of new authors.",
  },
  report_threshold: {
    group: "review", label: "Reports that put a comment in the queue", kind: "int", min: 1, max: 100,
    help: "From this many different readers.",
  },
  hide_after_reports: {
    group: "review", label: "Reports that hide a comment until reviewed", kind: "int", min: 0, max: 1000,
    help: "0: reports never hide a comment.",
  },
  profanity_list: {
    group: "words", label: "Use the built-in word lists", kind: "bool",
    help: "English, Russian, Ukrainian and Belarusian words and roots, each with a tier.",
  },
  profanity_languages: {
    group: "words", label: "Languages of the built-in lists", kind: "lines", maxItems: 4, maxLength: 2,
    help: "One code a line: en, ru, uk, be.",
  },
  profanity_mild: {
    group: "words", label: "Mild words (hell, damn, crap)", kind: "choice", choices: TIER_ACTIONS,
    help: "What a comment with a mild built-in word meets.",
  },
  profanity_strong: {
    group: "words", label: "Strong words (obscenities)", kind: "choice", choices: TIER_ACTIONS,
    help: "What a comment with a strong built-in word meets.",
  },
  profanity_slur: {
    group: "words", label: "Slurs", kind: "choice", choices: TIER_ACTIONS,
    help: "What a comment with a built-in slur meets.",
  },
  banned_words: {
    group: "words", label: "Banned words", kind: "lines", maxItems: 10000, maxLength: 64,
    help: "The site's own words and phrases to refuse, one a line.",
  },
  banned_action: {
    group: "words", label: "For banned words", kind: "choice", choices: LIST_ACTIONS,
    help: "What a comment with a banned word meets.",
  },
  suspect_words: {
    group: "words", label: "Suspect words", kind: "lines", maxItems: 10000, maxLength: 64,
    help: "Words and phrases a moderator should see, one a line.",
  },
  suspect_action: {
    group: "words", label: "For suspect words", kind: "choice", choices: LIST_ACTIONS,
    help: "What a comment with a suspect word meets.",
  },
  allowed_words: {
    group: "words", label: "Allowed words", kind: "lines", maxItems: 10000, maxLength: 64,
    help: "Never matched, one a line: exceptions to every list above.",
  },
  max_links: {
    group: "links", label: "Hold comments with more links than", kind: "int", min: 0, max: 100,
    help: "Counted in the rendered comment.",
  },
  link_min_approved: {
    group: "links", label: "Links need this many approved comments", kind: "int", min: 0, max: 1000,
    help: "Links from authors with fewer published comments are held.",
  },
  blocked_domains: {
    group: "links", label: "Blocked link domains", kind: "lines", maxItems: 1000, maxLength: 253,
    help: "One a line. Links to these domains (and their subdomains) are rejected.",
  },
  allowed_domains: {
    group: "links", label: "Allowed link domains", kind: "lines", maxItems: 1000, maxLength: 253,
    help: "One a line. When set, links anywhere else are held for review.",
  },
  duplicate_window_seconds: {
    group: "spam", label: "Repeated text window (seconds)", kind: "int", min: 0, max: 2592000, unit: "seconds",
    help: "Posting the same text again within it is held.",
  },
  copy_paste_authors: {
    group: "spam", label: "Same text from this many authors is held", kind: "int", min: 2, max: 1000,
    help: "Within the repeated text window.",
  },
  shouting_ratio: {
    group: "spam", label: "Share of capital letters that is held", kind: "number", min: 0.5, max: 1, step: 0.05,
    help: "Counted on comments of 20 letters or more.",
  },
  max_char_run: {
    group: "spam", label: "Hold a run of one character this long", kind: "int", min: 5, max: 10000,
    help: "Like “!!!!!!!!!!!!!!!!!!!!”.",
  },
  rate_per_minute: {
    group: "limits", label: "Comments per author per minute", kind: "int", min: 0, max: 1000,
    help: "0: no limit.",
  },
  rate_per_hour: {
    group: "limits", label: "Comments per author per hour", kind: "int", min: 0, max: 10000,
    help: "0: no limit.",
  },
  ip_rate_per_hour: {
    group: "limits", label: "Comments per network address per hour", kind: "int", min: 0, max: 100000,
    help: "0: no limit.",
  },
  surge_per_minute: {
    group: "surge", label: "Comments a minute that put a thread in surge", kind: "int", min: 0, max: 10000,
    help: "0: surges are not detected.",
  },
  surge_action: {
    group: "surge", label: "A thread in surge", kind: "choice",
    choices: [["slow", "Slows down: one comment per reader per interval"], ["premoderate", "Holds every comment"]],
    help: "Until the surge has passed.",
  },
  surge_slow_seconds: {
    group: "surge", label: "Seconds between a reader's comments in slow mode", kind: "int", min: 5, max: 3600, unit: "seconds",
    help: "When a surge slows the thread down.",
  },
  surge_minutes: {
    group: "surge", label: "Minutes a surge lasts after the rate falls", kind: "int", min: 1, max: 1440,
    help: "How long a thread stays in surge once it calms down.",
  },
  edit_window_seconds: {
    group: "threads", label: "Edit window (seconds)", kind: "int", min: 0, max: 604800, unit: "seconds",
    help: "How long authors may edit their comments. 0: no editing.",
  },
  reply_depth: {
    group: "threads", label: "Reply depth", kind: "int", min: 0, max: 10,
    help: "How deep replies nest when shown.",
  },
  auto_close_days: {
    group: "threads", label: "Close threads after (days)", kind: "int", min: 1, max: 3650, nullable: true,
    help: "Days after the first comment. Empty: never.",
  },
  classifier_url: {
    group: "classifier", label: "Classifier address", kind: "text", maxLength: 2048, nullable: true,
    help: "An https endpoint that classifies each comment. Empty: none.",
  },
  classifier_secret: {
    group: "classifier", label: "Classifier secret", kind: "secret", minLength: 16, maxLength: 256, nullable: true,
    help: "Signs requests to the classifier. Write-only: it is never shown; leave empty to keep it.",
  },
  classifier_timeout_ms: {
    group: "classifier", label: "Classifier timeout (milliseconds)", kind: "int", min: 100, max: 10000,
    help: "How long to wait for it; then the comment is held for review.",
  },
  login_providers: {
    group: "login", label: "Login providers offered", kind: "lines", maxItems: 50, maxLength: 20,
    help: "One provider id a line (github, google, …). Empty: every enabled provider.",
  },
  link_imported_authors: {
    group: "login", label: "Give imported comments to the reader of their address", kind: "bool",
    help: "A reader who logs in with a verified e-mail address takes over the comments imported under it, on this site only.",
  },
  cdn_seconds: {
    group: "other", label: "Seconds a CDN may answer anonymous reads", kind: "int", min: 0, max: 60, unit: "seconds",
    help: "Anonymous readers behind it may see a new comment that much later. 0: no shared caching.",
  },
});

/** Settings outside the policy, for the log's words. */
export const SITE_FIELDS = Object.freeze({
  policy: "Moderation policy",
  origins: "Allowed origins",
  sso_secret: "SSO secret",
});

/** The words for a field's name: its label, or the name itself made readable. */
export function labelOf(name) {
  const key = String(name || "");
  const spec = Object.hasOwn(POLICY_FIELDS, key) ? POLICY_FIELDS[key] : null;
  if (spec) return spec.label;
  if (Object.hasOwn(SITE_FIELDS, key)) return SITE_FIELDS[key];
  const words = key.replace(/^policy\./, "").replace(/_/g, " ");
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Setting";
}
