/*
 * The site policy's fields as the settings page shows them: label, help, kind, range.
 *
 * Data, with the words as keys of i18n/parts/settings.*.js (the page says them in its
 * language) and in English beside them (`label`, `help`, `choices`), so a test can load
 * it with no import map and hold it in step with the server's SitePolicy: the same
 * fields, the same ranges, the same choices, the same nullability. A field the server
 * sends that is missing here is still shown, by its value's type.
 */

import english from "./i18n/en.js";

// A key's English: the words of readers that bring no translator.
const en = (key) => (Object.hasOwn(english, key) ? english[key] : key);

/** [name, English label, label key], in the page's order. */
export const POLICY_GROUPS = Object.freeze(
  [
    ["review", "policy.groupReview"],
    ["words", "policy.groupWords"],
    ["links", "policy.groupLinks"],
    ["spam", "policy.groupSpam"],
    ["limits", "policy.groupLimits"],
    ["surge", "policy.groupSurge"],
    ["threads", "policy.groupThreads"],
    ["classifier", "policy.groupClassifier"],
    ["login", "policy.groupLogin"],
    ["other", "policy.groupOther"],
  ].map(([name, key]) => Object.freeze([name, en(key), key]))
);

const LIST_ACTIONS = { hold: "policy.actionHold", reject: "policy.actionReject", mask: "policy.actionMask" };
const TIER_ACTIONS = {
  publish: "policy.actionPublish", mask: "policy.actionMask", hold: "policy.actionHold", reject: "policy.actionReject",
};

/*
 * kind: "choice" (choiceKeys: value → key of its words), "int", "number" (min, max, step),
 * "bool", "lines" (one entry a line; maxItems, maxLength per entry), "text" (maxLength),
 * "secret" (write-only: never shown, empty keeps it). nullable: empty means unset.
 * unit: "seconds" adds the range in minutes, hours or days for a reader.
 */
const FIELDS = {
  premoderation: {
    group: "review", labelKey: "policy.premoderation", kind: "choice",
    choiceKeys: { off: "policy.premoderationOff", new: "policy.premoderationNew", all: "policy.premoderationAll" },
    helpKey: "policy.premoderationHelp",
  },
  new_author_comments: {
    group: "review", labelKey: "policy.newAuthorComments", kind: "int", min: 0, max: 1000,
    helpKey: "policy.newAuthorCommentsHelp",
  },
  report_threshold: {
    group: "review", labelKey: "policy.reportThreshold", kind: "int", min: 1, max: 100,
    helpKey: "policy.reportThresholdHelp",
  },
  hide_after_reports: {
    group: "review", labelKey: "policy.hideAfterReports", kind: "int", min: 0, max: 1000,
    helpKey: "policy.hideAfterReportsHelp",
  },
  profanity_list: {
    group: "words", labelKey: "policy.profanityList", kind: "bool",
    helpKey: "policy.profanityListHelp",
  },
  profanity_languages: {
    group: "words", labelKey: "policy.profanityLanguages", kind: "lines", maxItems: 4, maxLength: 2,
    helpKey: "policy.profanityLanguagesHelp",
  },
  profanity_mild: {
    group: "words", labelKey: "policy.profanityMild", kind: "choice", choiceKeys: TIER_ACTIONS,
    helpKey: "policy.profanityMildHelp",
  },
  profanity_strong: {
    group: "words", labelKey: "policy.profanityStrong", kind: "choice", choiceKeys: TIER_ACTIONS,
    helpKey: "policy.profanityStrongHelp",
  },
  profanity_slur: {
    group: "words", labelKey: "policy.profanitySlur", kind: "choice", choiceKeys: TIER_ACTIONS,
    helpKey: "policy.profanitySlurHelp",
  },
  banned_words: {
    group: "words", labelKey: "policy.bannedWords", kind: "lines", maxItems: 10000, maxLength: 64,
    helpKey: "policy.bannedWordsHelp",
  },
  banned_action: {
    group: "words", labelKey: "policy.bannedAction", kind: "choice", choiceKeys: LIST_ACTIONS,
    helpKey: "policy.bannedActionHelp",
  },
  suspect_words: {
    group: "words", labelKey: "policy.suspectWords", kind: "lines", maxItems: 10000, maxLength: 64,
    helpKey: "policy.suspectWordsHelp",
  },
  suspect_action: {
    group: "words", labelKey: "policy.suspectAction", kind: "choice", choiceKeys: LIST_ACTIONS,
    helpKey: "policy.suspectActionHelp",
  },
  allowed_words: {
    group: "words", labelKey: "policy.allowedWords", kind: "lines", maxItems: 10000, maxLength: 64,
    helpKey: "policy.allowedWordsHelp",
  },
  max_links: {
    group: "links", labelKey: "policy.maxLinks", kind: "int", min: 0, max: 100,
    helpKey: "policy.maxLinksHelp",
  },
  link_min_approved: {
    group: "links", labelKey: "policy.linkMinApproved", kind: "int", min: 0, max: 1000,
    helpKey: "policy.linkMinApprovedHelp",
  },
  blocked_domains: {
    group: "links", labelKey: "policy.blockedDomains", kind: "lines", maxItems: 1000, maxLength: 253,
    helpKey: "policy.blockedDomainsHelp",
  },
  allowed_domains: {
    group: "links", labelKey: "policy.allowedDomains", kind: "lines", maxItems: 1000, maxLength: 253,
    helpKey: "policy.allowedDomainsHelp",
  },
  duplicate_window_seconds: {
    group: "spam", labelKey: "policy.duplicateWindowSeconds", kind: "int", min: 0, max: 2592000, unit: "seconds",
    helpKey: "policy.duplicateWindowSecondsHelp",
  },
  copy_paste_authors: {
    group: "spam", labelKey: "policy.copyPasteAuthors", kind: "int", min: 2, max: 1000,
    helpKey: "policy.copyPasteAuthorsHelp",
  },
  shouting_ratio: {
    group: "spam", labelKey: "policy.shoutingRatio", kind: "number", min: 0.5, max: 1, step: 0.05,
    helpKey: "policy.shoutingRatioHelp",
  },
  max_char_run: {
    group: "spam", labelKey: "policy.maxCharRun", kind: "int", min: 5, max: 10000,
    helpKey: "policy.maxCharRunHelp",
  },
  rate_per_minute: {
    group: "limits", labelKey: "policy.ratePerMinute", kind: "int", min: 0, max: 1000,
    helpKey: "policy.noLimitHelp",
  },
  rate_per_hour: {
    group: "limits", labelKey: "policy.ratePerHour", kind: "int", min: 0, max: 10000,
    helpKey: "policy.noLimitHelp",
  },
  ip_rate_per_hour: {
    group: "limits", labelKey: "policy.ipRatePerHour", kind: "int", min: 0, max: 100000,
    helpKey: "policy.noLimitHelp",
  },
  surge_per_minute: {
    group: "surge", labelKey: "policy.surgePerMinute", kind: "int", min: 0, max: 10000,
    helpKey: "policy.surgePerMinuteHelp",
  },
  surge_action: {
    group: "surge", labelKey: "policy.surgeAction", kind: "choice",
    choiceKeys: { slow: "policy.surgeActionSlow", premoderate: "policy.surgeActionPremoderate" },
    helpKey: "policy.surgeActionHelp",
  },
  surge_slow_seconds: {
    group: "surge", labelKey: "policy.surgeSlowSeconds", kind: "int", min: 5, max: 3600, unit: "seconds",
    helpKey: "policy.surgeSlowSecondsHelp",
  },
  surge_minutes: {
    group: "surge", labelKey: "policy.surgeMinutes", kind: "int", min: 1, max: 1440,
    helpKey: "policy.surgeMinutesHelp",
  },
  edit_window_seconds: {
    group: "threads", labelKey: "policy.editWindowSeconds", kind: "int", min: 0, max: 604800, unit: "seconds",
    helpKey: "policy.editWindowSecondsHelp",
  },
  reply_depth: {
    group: "threads", labelKey: "policy.replyDepth", kind: "int", min: 0, max: 10,
    helpKey: "policy.replyDepthHelp",
  },
  auto_close_days: {
    group: "threads", labelKey: "policy.autoCloseDays", kind: "int", min: 1, max: 3650, nullable: true,
    helpKey: "policy.autoCloseDaysHelp",
  },
  classifier_url: {
    group: "classifier", labelKey: "policy.classifierUrl", kind: "text", maxLength: 2048, nullable: true,
    helpKey: "policy.classifierUrlHelp",
  },
  classifier_secret: {
    group: "classifier", labelKey: "policy.classifierSecret", kind: "secret", minLength: 16, maxLength: 256, nullable: true,
    helpKey: "policy.classifierSecretHelp",
  },
  classifier_timeout_ms: {
    group: "classifier", labelKey: "policy.classifierTimeoutMs", kind: "int", min: 100, max: 10000,
    helpKey: "policy.classifierTimeoutMsHelp",
  },
  login_providers: {
    group: "login", labelKey: "policy.loginProviders", kind: "lines", maxItems: 50, maxLength: 20,
    helpKey: "policy.loginProvidersHelp",
  },
  link_imported_authors: {
    group: "login", labelKey: "policy.linkImportedAuthors", kind: "bool",
    helpKey: "policy.linkImportedAuthorsHelp",
  },
  cdn_seconds: {
    group: "other", labelKey: "policy.cdnSeconds", kind: "int", min: 0, max: 60, unit: "seconds",
    helpKey: "policy.cdnSecondsHelp",
  },
};

/** A field's spec with its words in English beside their keys (choices as [value, words]). */
function inEnglish(spec) {
  const worded = { ...spec, label: en(spec.labelKey), help: en(spec.helpKey) };
  if (spec.choiceKeys) worded.choices = Object.entries(spec.choiceKeys).map(([value, key]) => [value, en(key)]);
  return worded;
}

export const POLICY_FIELDS = Object.freeze(
  Object.fromEntries(Object.entries(FIELDS).map(([name, spec]) => [name, inEnglish(spec)]))
);

// Settings outside the policy, for the log's words.
const SITE_FIELD_KEYS = Object.freeze({
  policy: "policy.sitePolicy",
  origins: "policy.siteOrigins",
  sso_secret: "policy.siteSsoSecret",
});

/** Settings outside the policy, in English. */
export const SITE_FIELDS = Object.freeze(
  Object.fromEntries(Object.entries(SITE_FIELD_KEYS).map(([name, key]) => [name, en(key)]))
);

/**
 * The words for a field's name in `t`'s language (English without one): its label, or
 * the name itself made readable.
 */
export function labelOf(name, t = en) {
  const key = String(name || "");
  if (Object.hasOwn(POLICY_FIELDS, key)) return t(POLICY_FIELDS[key].labelKey);
  if (Object.hasOwn(SITE_FIELD_KEYS, key)) return t(SITE_FIELD_KEYS[key]);
  const words = key.replace(/^policy\./, "").replace(/_/g, " ");
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : t("policy.setting");
}
