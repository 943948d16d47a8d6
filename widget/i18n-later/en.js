/*
 * English: the words only the modules asked for on demand show (writing, the
 * login window, staff tools, reports, the account panel…). Loaded with the first of
 * them, or once the reader is logged in; ../i18n/en.js holds the first screen's.
 */
export default {
  // Logging in and out
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
  // Staff tools in the article, featured comments, the account panel
  "staff.approve": "Approve",
  "staff.approveBy": "Approve the comment by {name}",
  "staff.reject": "Reject",
  "staff.rejectBy": "Reject the comment by {name}",
  "staff.reason": "Reason for the log (optional)",
  "staff.rejected": "The comment was rejected.",
  "staff.feature": "Feature",
  "staff.featureBy": "Feature the comment by {name} at the top",
  "staff.unfeature": "Unfeature",
  "staff.unfeatureBy": "Stop featuring the comment by {name}",
  "staff.ban": "Ban",
  "staff.banBy": "Ban {name} from this site",
  "staff.duration": "For how long",
  "staff.day": "1 day",
  "staff.week": "7 days",
  "staff.month": "30 days",
  "staff.forever": "Permanently",
  "staff.banReason": "Reason (the author can see it)",
  "staff.needReason": "Write the reason for the ban.",
  "staff.banned": "{name} is banned from this site.",
  "account.panel": "Your account",
  "account.export": "Download my data",
  "account.erase": "Delete my account",
  "account.eraseWarning": "Your profile goes and your comments show as deleted. This can't be undone.",
  "account.eraseConfirm": "Yes, delete my account",
  "account.erased": "Your account was deleted.",

  // Writing
  "composer.banned": "You can't post comments on this site.",
  "composer.label": "Your comment",
  "composer.placeholder": "Share your view. Be civil; comments may be moderated.",
  "composer.submit": "Post comment",
  "form.hint": "Plain text and Markdown are welcome.",
  "form.empty": "Write something before posting.",
  "posted.pending": "Your comment was received and is awaiting moderation.",
  "posted.published": "Your comment was posted.",
  // The reader's features: permalinks, preview, rejected and banned readers, origins
  "permalink.missing": "This comment is not available.",
  "permalink.start": "Show from the start",
  "preview.show": "Preview",
  "preview.empty": "Nothing to preview yet.",
  "preview.limited": "Too many previews in a short time. Wait a moment and try again.",
  "posted.rejected": "Your comment was not published. The reasons are shown with it.",
  "ban.until": "You can't post comments on this site until {date}.",
  "ban.forever": "You can't post comments on this site. The ban has no end date.",
  "ban.reason": "Reason:",
  "origin.blocked": "Comments can't load on this page: the site doesn't allow comments on pages from",
  "origin.fix": "The site's publisher can add this origin to the site's allowed origins.",
  "reply.label": "Reply to {name}",
  "reply.labelNoName": "Reply to this comment",
  "reply.submit": "Post reply",
  "edit.label": "Edit your comment",
  "edit.submit": "Save changes",
  "edit.pending": "Your edit was saved and is awaiting moderation.",
  "edit.saved": "Your comment was updated.",

  // One comment
  "moderation.pending": "Awaiting moderation",
  "moderation.pendingNote": "Only you can see this comment until a moderator approves it.",
  "moderation.rejected": "Not published",
  "moderation.rejectedNote": "A moderator declined this comment.",
  "action.edit": "Edit",
  "action.editOwn": "Edit your comment",
  "action.delete": "Delete",
  "action.deleteOwn": "Delete your comment",
  "action.deleteBy": "Delete comment by {name}",
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
};
