/*
 * English: the texts the first screen shows (the list, a comment, the header, the login
 * offer) and count.js, the keys every other language's first file has; the rest is in
 * ../i18n-later/en.js. Plural entries name their forms as Intl.PluralRules does; `{name}`
 * is a parameter.
 */
export default {
  // The thread
  "heading": "Comments",
  "list.label": "Comments",
  "count.comments": { one: "{n} comment", other: "{n} comments" },
  "sort.label": "Sort by",
  "sort.oldest": "Oldest first",
  "sort.newest": "Newest first",
  "sort.top": "Top rated",
  "status.loading": "Loading comments…",
  "list.empty": "No comments yet. Be the first to share your view.",
  "list.more": "Load more comments",
  "list.loading": "Loading…",
  "list.fresh": { one: "Show {n} new comment", other: "Show {n} new comments" },
  "replies.label": "Replies",
  "replies.more": "More replies",
  "cancel": "Cancel",

  // Logging in and out
  "login.prompt": "Log in to join the discussion.",
  "login.with": "Log in with {provider}",
  "login.loading": "Loading login options…",
  "login.unavailable": "Logging in is not available for this site right now.",
  "login.wait": "Finish logging in in the window that opened.",
  "login.retry": "Try again",
  "login.blocked": "Your browser blocked the login window. Allow pop-ups for this page and try again.",
  "role.moderator": "moderator",
  "role.admin": "admin",
  // Staff tools in the article, featured comments, the account panel
  "comment.featured": "Featured",

  // Writing
  "composer.closed": "Comments are closed on this article.",

  // One comment
  "comment.anonymous": "Anonymous",
  "comment.deletedAuthor": "Deleted comment",
  "comment.deleted": "This comment was deleted.",
  "comment.edited": "edited",
  "comment.editedAt": "Edited {date}",
  "comment.someone": "this reader",
  // When a comment was posted (as Intl says it; older than a month, the date)
  "time.now": "now",
  "time.minutesAgo": { one: "{n} minute ago", other: "{n} minutes ago" },
  "time.hoursAgo": { one: "{n} hour ago", other: "{n} hours ago" },
  "time.yesterday": "yesterday",
  "time.dayBeforeYesterday": "2 days ago",
  "time.daysAgo": { one: "{n} day ago", other: "{n} days ago" },
  "action.reply": "Reply",
  "action.replyTo": "Reply to {name}",
  "action.report": "Report",
  "action.reportBy": "Report comment by {name}",
  "votes.label": "Votes",
  "votes.score": "Score",
  "votes.scoreIs": "Score {n}",
  "votes.up": "Upvote comment by {name}",
  "votes.down": "Downvote comment by {name}",
  "need.vote": "Log in to vote.",
  "need.reply": "Log in to reply.",
  "need.report": "Log in to report a comment.",

  // Errors the widget words itself (the service words its own)
  "error.network": "Could not reach the comment service. Check your connection and try again.",
  "error.status": "Something went wrong ({status}). Please try again.",
  "error.generic": "Something went wrong. Please try again.",
};
