/*
 * English: every text the widget and count.js show, and the keys every other language has.
 * Plural entries name their forms as Intl.PluralRules does; `{name}` is a parameter.
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
  "login.lost.closed": "The login window was closed before the login finished. Try again whenever you like.",
  "login.lost.severed":
    "This page cut the link to the login window (its Cross-Origin-Opener-Policy header " +
    "blocks pop-up windows), so logging in cannot finish here. Close the login window; " +
    "the site's team can fix this.",
  "login.lost.unknown":
    "The login window was closed, or lost its link to this page, before the login finished. " +
    "Close it if it is still open, and try again.",
  "login.lost.timeout": "The login took too long and was stopped. Try again whenever you like.",
  "login.done": "You are logged in as {name}.",
  "account.as": "Logged in as {name}",
  "account.reader": "reader",
  "account.logout": "Log out",
  "logout.done": "You are logged out.",
  "session.ended": "Your session has ended. Please log in again.",
  "role.moderator": "moderator",
  "role.admin": "admin",

  // Writing
  "composer.closed": "Comments are closed on this article.",
  "composer.banned": "You can't post comments on this site.",
  "composer.label": "Your comment",
  "composer.placeholder": "Share your view. Be civil; comments may be moderated.",
  "composer.submit": "Post comment",
  "form.hint": "Plain text and Markdown are welcome.",
  "form.empty": "Write something before posting.",
  "posted.pending": "Your comment was received and is awaiting moderation.",
  "posted.published": "Your comment was posted.",
  "reply.label": "Reply to {name}",
  "reply.labelNoName": "Reply to this comment",
  "reply.submit": "Post reply",
  "edit.label": "Edit your comment",
  "edit.submit": "Save changes",
  "edit.pending": "Your edit was saved and is awaiting moderation.",
  "edit.saved": "Your comment was updated.",

  // One comment
  "comment.anonymous": "Anonymous",
  "comment.deletedAuthor": "Deleted comment",
  "comment.deleted": "This comment was deleted.",
  "comment.edited": "edited",
  "comment.editedAt": "Edited {date}",
  "comment.someone": "this reader",
  "moderation.pending": "Awaiting moderation",
  "moderation.pendingNote": "Only you can see this comment until a moderator approves it.",
  "moderation.rejected": "Not published",
  "moderation.rejectedNote": "A moderator declined this comment.",
  "action.reply": "Reply",
  "action.replyTo": "Reply to {name}",
  "action.edit": "Edit",
  "action.editOwn": "Edit your comment",
  "action.delete": "Delete",
  "action.deleteOwn": "Delete your comment",
  "action.deleteBy": "Delete comment by {name}",
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
  "delete.confirm": "Delete this comment? This can't be undone.",
  "delete.done": "The comment was deleted.",

  // Reports
  "report.legend": "Report this comment to the moderators",
  "report.reason": "Reason",
  "report.note": "Note (optional)",
  "report.send": "Send report",
  "report.thanks": "Thank you. The moderators will review this comment.",
  "report.already": "You have already reported this comment.",
  "reason.spam": "Spam or advertising",
  "reason.abuse": "Abuse or harassment",
  "reason.off_topic": "Off topic",
  "reason.other": "Something else",

  // Errors the widget words itself (the service words its own)
  "error.network": "Could not reach the comment service. Check your connection and try again.",
  "error.status": "Something went wrong ({status}). Please try again.",
  "error.generic": "Something went wrong. Please try again.",
};
