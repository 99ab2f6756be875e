/**
 * The newsletter's public pages, pure: small, accessible HTML with the list's name, no
 * scripts, one inline style sheet allowed by its hash in the Content-Security-Policy. Every
 * form posts back to the page's own address. Pages never say whether an address is
 * subscribed: the subscribe form answers the same whatever it found.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from './campaign-render.js';

const STYLE =
  'body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#18181b;background:#fafafa;margin:0}' +
  'main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #e4e4e7;border-radius:8px}' +
  'h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;margin:1rem 0 .25rem;font-weight:600}' +
  'input{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #71717a;border-radius:4px}' +
  'button{font:inherit;margin-top:1.25rem;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#1d4ed8;color:#fff;cursor:pointer}' +
  'button:focus-visible,input:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}.muted{color:#52525b;font-size:.9rem}';

/** No script, no frame, no foreign style; forms only to this server. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export interface Page {
  status: number;
  html: string;
}

function page(status: number, title: string, body: string): Page {
  return {
    status,
    html: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`,
  };
}

function form(action: string, button: string, fields = ''): string {
  return `<form method="post" action="${escapeHtml(action)}">${fields}<button type="submit">${escapeHtml(button)}</button></form>`;
}

/** `ada@example.com` → `a…@example.com`: enough to recognise one's own address, no more. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '…' : `${email[0]}…${email.slice(at)}`;
}

export function unsubscribeAskPage(listName: string, email: string, action: string): Page {
  return page(
    200,
    `Unsubscribe from ${listName}`,
    `<h1>Unsubscribe from ${escapeHtml(listName)}?</h1>
<p>You will no longer receive ${escapeHtml(listName)} at ${escapeHtml(maskEmail(email))}.</p>
${form(action, 'Unsubscribe', '<input type="hidden" name="action" value="unsubscribe">')}`,
  );
}

export function unsubscribedPage(listName: string, action: string): Page {
  return page(
    200,
    `Unsubscribed from ${listName}`,
    `<h1>You are unsubscribed from ${escapeHtml(listName)}</h1>
<p>You will receive no more issues. Changed your mind?</p>
${form(action, 'Subscribe again', '<input type="hidden" name="action" value="resubscribe">')}`,
  );
}

export function resubscribedPage(listName: string): Page {
  return page(200, `Subscribed to ${listName}`, `<h1>Welcome back to ${escapeHtml(listName)}</h1>\n<p>You will receive the next issue.</p>`);
}

export function subscribeFormPage(listName: string, description: string, action: string, problem?: string): Page {
  return page(
    problem ? 400 : 200,
    `Subscribe to ${listName}`,
    `<h1>Subscribe to ${escapeHtml(listName)}</h1>
${description ? `<p>${escapeHtml(description)}</p>\n` : ''}${problem ? `<p role="alert"><strong>${escapeHtml(problem)}</strong></p>\n` : ''}${form(
      action,
      'Subscribe',
      '<label for="email">Email address</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="254">' +
        '<label for="name">Name <span class="muted">(optional)</span></label><input id="name" name="name" type="text" autocomplete="name" maxlength="200">',
    )}
<p class="muted">We send a mail to confirm the address; nothing arrives before you confirm.</p>`,
  );
}

export function checkInboxPage(listName: string): Page {
  return page(
    200,
    `Check your inbox`,
    `<h1>Check your inbox</h1>\n<p>If the address can receive ${escapeHtml(listName)}, a mail with a confirmation link is on its way. The link works for a few days.</p>`,
  );
}

export function confirmAskPage(listName: string, action: string): Page {
  return page(200, `Confirm your subscription to ${listName}`, `<h1>Confirm your subscription to ${escapeHtml(listName)}</h1>\n${form(action, 'Confirm')}`);
}

export function confirmedPage(listName: string): Page {
  return page(200, `Subscribed to ${listName}`, `<h1>You are subscribed to ${escapeHtml(listName)}</h1>\n<p>Thank you for confirming. The next issue will reach you.</p>`);
}

export function invalidLinkPage(): Page {
  return page(400, 'Link not valid', '<h1>This link is not valid</h1>\n<p>It may be incomplete, or it has expired. Copy the whole link from the mail, or ask for a new one.</p>');
}

export function rateLimitedPage(): Page {
  return page(429, 'Too many requests', '<h1>Too many requests</h1>\n<p>Please wait a minute and try again.</p>');
}

export function unavailablePage(): Page {
  return page(503, 'Not available', '<h1>Not available right now</h1>\n<p>Please try again later.</p>');
}

/** The form to paste into another site: plain HTML posting to the list's public page. */
export function subscribeSnippet(listName: string, url: string): string {
  return `<form method="post" action="${escapeHtml(url)}" accept-charset="utf-8">
  <label for="rapport-email">Subscribe to ${escapeHtml(listName)}</label>
  <input id="rapport-email" name="email" type="email" autocomplete="email" required placeholder="you@example.com">
  <button type="submit">Subscribe</button>
</form>
`;
}

/** The confirmation mail's text. */
export function confirmationMail(listName: string, link: string, validDays: number): { subject: string; text: string } {
  return {
    subject: `Confirm your subscription to ${listName}`,
    text: [
      `Someone, hopefully you, asked to receive ${listName} at this address.`,
      '',
      `To confirm, open this link (valid for ${validDays} days):`,
      link,
      '',
      'If you did not ask for it, ignore this mail: nothing will be sent to you.',
    ].join('\n'),
  };
}
